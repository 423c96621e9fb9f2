import { timestampDate, type Timestamp } from '@bufbuild/protobuf/wkt';
import {
  TimestampFilterMethod,
  type IDFilter,
  type TimestampFilter,
} from '@zitadel/proto/zitadel/filter/v2/filter_pb.js';
import type { PasswordResetRequest, SetPasswordRequest } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { NotificationType } from '@zitadel/proto/zitadel/user/v2/password_pb.js';
import { invalidField } from '../../platform/errors/domain-error.js';
import type { WrittenEvent } from '../../platform/events/event-store.js';
import type { ChangeInfo } from '../../platform/rpc/proto-mapping.js';
import { ts } from '../../platform/rpc/proto-mapping.js';
import type {
  CredentialFilter,
  CredentialRow,
  CredentialSort,
  TimestampComparison,
} from './machine-credentials.queries.js';
import type { NewPassword, ResetDelivery } from './passwords.service.js';

export function dateOf(timestamp: Timestamp | undefined): Date | undefined {
  return timestamp ? timestampDate(timestamp) : undefined;
}

export function changeOf(event: WrittenEvent): ChangeInfo {
  return { sequence: event.sequence, changeDate: event.createdAt, resourceOwner: event.resourceOwner };
}

export function newPasswordOf(req: SetPasswordRequest): NewPassword {
  const v = req.verification;
  return {
    password: req.newPassword?.password ?? '',
    changeRequired: req.newPassword?.changeRequired ?? false,
    verification:
      v.case === 'currentPassword' || v.case === 'verificationCode'
        ? { kind: v.case, value: v.value }
        : { kind: 'none' },
  };
}

/** No medium means ZITADEL's default: an email with the default link. */
export function resetDeliveryOf(req: PasswordResetRequest): ResetDelivery {
  switch (req.medium.case) {
    case 'returnCode':
      return { kind: 'return' };
    case 'sendLink':
      return {
        kind: 'send',
        channel: req.medium.value.notificationType === NotificationType.SMS ? 'sms' : 'email',
        urlTemplate: req.medium.value.urlTemplate || undefined,
      };
    default:
      return { kind: 'send', channel: 'email' };
  }
}

/** PersonalAccessTokenFieldName and KeyFieldName share their numbers. */
const SORTS: Record<number, CredentialSort> = {
  0: 'creationDate',
  1: 'creationDate',
  2: 'id',
  3: 'userId',
  4: 'orgId',
  5: 'expirationDate',
};

export function credentialSortOf(field: number | undefined): CredentialSort {
  const sort = SORTS[field ?? 0];
  if (!sort) throw invalidField('CRED-s0rt1', 'sorting_column', 'is not a known field name');
  return sort;
}

const COMPARISONS: Record<number, TimestampComparison> = {
  [TimestampFilterMethod.EQUALS]: 'equals',
  [TimestampFilterMethod.AFTER]: 'after',
  [TimestampFilterMethod.AFTER_OR_EQUALS]: 'afterOrEquals',
  [TimestampFilterMethod.BEFORE]: 'before',
  [TimestampFilterMethod.BEFORE_OR_EQUALS]: 'beforeOrEquals',
};

/** The oneof of PersonalAccessTokensSearchFilter / KeysSearchFilter (their case names differ only in the id filter). */
type SearchFilterCase =
  | { case: 'tokenIdFilter' | 'keyIdFilter' | 'userIdFilter' | 'organizationIdFilter'; value: IDFilter }
  | { case: 'createdDateFilter' | 'expirationDateFilter'; value: TimestampFilter }
  | { case: undefined; value?: undefined };

const PROTO_NAMES = {
  tokenIdFilter: 'token_id_filter',
  keyIdFilter: 'key_id_filter',
  userIdFilter: 'user_id_filter',
  organizationIdFilter: 'organization_id_filter',
  createdDateFilter: 'created_date_filter',
  expirationDateFilter: 'expiration_date_filter',
} as const;

export function credentialFilterOf(f: SearchFilterCase, path: string): CredentialFilter {
  if (f.case === undefined) throw invalidField('CRED-f1lt0', `${path}.filter`, 'one filter must be set');
  const field = `${path}.${PROTO_NAMES[f.case]}`;
  switch (f.case) {
    case 'tokenIdFilter':
    case 'keyIdFilter':
      return { kind: 'id', id: f.value.id };
    case 'userIdFilter':
      return { kind: 'userId', id: f.value.id };
    case 'organizationIdFilter':
      return { kind: 'orgId', id: f.value.id };
    case 'createdDateFilter':
    case 'expirationDateFilter': {
      const at = dateOf(f.value.timestamp);
      if (!at) throw invalidField('CRED-f1lt1', `${field}.timestamp`, 'is required');
      const comparison = COMPARISONS[f.value.method];
      if (!comparison) throw invalidField('CRED-f1lt2', `${field}.method`, 'is not a known timestamp filter method');
      return {
        kind: f.case === 'createdDateFilter' ? 'created' : 'expires',
        comparison,
        at,
        field: `${field}.timestamp`,
      };
    }
  }
}

/** zitadel.user.v2.PersonalAccessToken and zitadel.user.v2.Key have the same fields. */
export function credentialV2(row: CredentialRow) {
  return {
    creationDate: ts(row.createdAt),
    // Neither is ever changed after creation.
    changeDate: ts(row.createdAt),
    id: row.id,
    userId: row.userId,
    organizationId: row.organizationId,
    expirationDate: ts(row.expiresAt),
  };
}
