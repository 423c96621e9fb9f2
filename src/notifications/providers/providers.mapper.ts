import type { MessageInitShape } from '@bufbuild/protobuf';
import type { ListDetailsSchema } from '@zitadel/proto/zitadel/object_pb.js';
import {
  EmailProviderState,
  SMSProviderConfigState,
  SMTPConfigState,
  type EmailProviderSchema,
  type SMTPConfigSchema,
  type SMSProviderSchema,
} from '@zitadel/proto/zitadel/settings_pb.js';
import { ts } from '../../platform/rpc/proto-mapping.js';
import { objectDetailsV1 } from '../../settings/settings-v1.mapper.js';
import type { ProviderRow } from './providers.queries.js';

// zitadel.settings.v1 EmailProvider / SMSProvider <-> stored providers. Secrets never leave.

function detailsOf(row: ProviderRow) {
  return objectDetailsV1({
    sequence: row.sequence,
    creationDate: row.createdAt,
    changeDate: row.changedAt,
    resourceOwner: row.instanceId,
  });
}

export function emailProviderV1(row: ProviderRow): MessageInitShape<typeof EmailProviderSchema> {
  const c = row.config;
  return {
    details: detailsOf(row),
    id: row.id,
    state:
      row.state === 'active' ? EmailProviderState.EMAIL_PROVIDER_ACTIVE : EmailProviderState.EMAIL_PROVIDER_INACTIVE,
    description: row.description,
    config:
      c.kind === 'smtp'
        ? { case: 'smtp', value: { ...c.smtp } }
        : c.kind === 'http'
          ? { case: 'http', value: { endpoint: c.http.endpoint } }
          : { case: undefined },
  };
}

export function smsProviderV1(row: ProviderRow): MessageInitShape<typeof SMSProviderSchema> {
  const c = row.config;
  return {
    details: detailsOf(row),
    id: row.id,
    state:
      row.state === 'active'
        ? SMSProviderConfigState.SMS_PROVIDER_CONFIG_ACTIVE
        : SMSProviderConfigState.SMS_PROVIDER_CONFIG_INACTIVE,
    description: row.description,
    config:
      c.kind === 'twilio'
        ? { case: 'twilio', value: { ...c.twilio } }
        : c.kind === 'http'
          ? { case: 'http', value: { endpoint: c.http.endpoint } }
          : { case: undefined },
  };
}

export function listDetailsV1(total: bigint): MessageInitShape<typeof ListDetailsSchema> {
  return { totalResult: total, viewTimestamp: ts(new Date()) };
}

/**
 * The older zitadel.settings.v1 SMTPConfig view of an email provider. An HTTP provider shows its
 * id, state and description with empty SMTP fields; the password never leaves.
 */
export function smtpConfigV1(row: ProviderRow): MessageInitShape<typeof SMTPConfigSchema> {
  const smtp = row.config.kind === 'smtp' ? row.config.smtp : undefined;
  return {
    details: detailsOf(row),
    id: row.id,
    state: row.state === 'active' ? SMTPConfigState.SMTP_CONFIG_ACTIVE : SMTPConfigState.SMTP_CONFIG_INACTIVE,
    description: row.description,
    senderAddress: smtp?.senderAddress ?? '',
    senderName: smtp?.senderName ?? '',
    tls: smtp?.tls ?? false,
    host: smtp?.host ?? '',
    user: smtp?.user ?? '',
    replyToAddress: smtp?.replyToAddress ?? '',
  };
}
