import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { ServiceImpl } from '@connectrpc/connect';
import { AdminService } from '@zitadel/proto/zitadel/admin_pb.js';
import { page } from '../../platform/database/list-query.js';
import { authenticatedCallerOf } from '../../platform/rpc/call-context.js';
import { RpcRegistry, type AccessTable } from '../../platform/rpc/registry.js';
import { assertMatchesAnnotations } from '../../platform/rpc/annotated-access.js';
import { objectDetailsV1 } from '../../settings/settings-v1.mapper.js';
import {
  httpConfig,
  receiverAddress,
  requiredSecret,
  smtpConfig,
  twilioConfig,
  type ProviderConfig,
  type SmtpConfig,
} from './provider-rules.js';
import { emailProviderV1, listDetailsV1, smsProviderV1 } from './providers.mapper.js';
import { ProvidersService } from './providers.service.js';

const READ = { permission: 'iam.read' } as const;
const WRITE = { permission: 'iam.write' } as const;

/** ZITADEL's permissions (the descriptors' auth options): instance-level iam.read / iam.write. */
export const ADMIN_PROVIDER_ACCESS: AccessTable<typeof AdminService> = {
  addEmailProviderSMTP: WRITE,
  updateEmailProviderSMTP: WRITE,
  updateEmailProviderSMTPPassword: WRITE,
  addEmailProviderHTTP: WRITE,
  updateEmailProviderHTTP: WRITE,
  getEmailProvider: READ,
  getEmailProviderById: READ,
  listEmailProviders: READ,
  activateEmailProvider: WRITE,
  deactivateEmailProvider: WRITE,
  removeEmailProvider: WRITE,
  testEmailProviderSMTP: WRITE,
  testEmailProviderSMTPById: WRITE,
  addSMSProviderTwilio: WRITE,
  updateSMSProviderTwilio: WRITE,
  updateSMSProviderTwilioToken: WRITE,
  addSMSProviderHTTP: WRITE,
  updateSMSProviderHTTP: WRITE,
  getSMSProvider: READ,
  listSMSProviders: READ,
  activateSMSProvider: WRITE,
  deactivateSMSProvider: WRITE,
  removeSMSProvider: WRITE,
};

const smtp = (req: SmtpConfig): ProviderConfig => ({ kind: 'smtp', smtp: smtpConfig(req) });
const http = (req: { endpoint: string }): ProviderConfig => ({ kind: 'http', http: httpConfig(req.endpoint) });
const twilio = (req: { sid: string; senderNumber: string; verifyServiceSid: string }): ProviderConfig => ({
  kind: 'twilio',
  twilio: twilioConfig(req),
});

/** Transport edge of zitadel.admin.v1.AdminService's email and SMS providers, served under /admin/v1. */
@Injectable()
export class ProvidersAdminHandler implements OnModuleInit {
  constructor(
    private readonly providers: ProvidersService,
    private readonly registry: RpcRegistry,
  ) {}

  onModuleInit(): void {
    assertMatchesAnnotations(AdminService, ADMIN_PROVIDER_ACCESS);
    this.registry.register({ service: AdminService, impl: this.impl, access: ADMIN_PROVIDER_ACCESS });
  }

  readonly impl: Partial<ServiceImpl<typeof AdminService>> = {
    // ---- email ----
    addEmailProviderSMTP: async (req, ctx) => {
      const added = await this.providers.add(authenticatedCallerOf(ctx), 'email', {
        description: req.description,
        config: smtp(req),
        secret: req.password,
      });
      return { details: objectDetailsV1(added), id: added.id };
    },
    updateEmailProviderSMTP: async (req, ctx) => ({
      details: objectDetailsV1(
        await this.providers.update(authenticatedCallerOf(ctx), 'email', req.id, {
          description: req.description,
          config: smtp(req),
          secret: req.password,
        }),
      ),
    }),
    updateEmailProviderSMTPPassword: async (req, ctx) => ({
      details: objectDetailsV1(
        await this.providers.updateSecret(
          authenticatedCallerOf(ctx),
          'email',
          req.id,
          'smtp',
          requiredSecret(req.password, 'password'),
        ),
      ),
    }),
    addEmailProviderHTTP: async (req, ctx) => {
      const added = await this.providers.add(authenticatedCallerOf(ctx), 'email', {
        description: req.description,
        config: http(req),
      });
      return { details: objectDetailsV1(added), id: added.id };
    },
    updateEmailProviderHTTP: async (req, ctx) => ({
      details: objectDetailsV1(
        await this.providers.update(authenticatedCallerOf(ctx), 'email', req.id, {
          description: req.description,
          config: http(req),
        }),
      ),
    }),
    getEmailProvider: async (_req, ctx) => ({
      config: emailProviderV1(await this.providers.getActive(authenticatedCallerOf(ctx), 'email')),
    }),
    getEmailProviderById: async (req, ctx) => ({
      config: emailProviderV1(await this.providers.get(authenticatedCallerOf(ctx), 'email', req.id)),
    }),
    listEmailProviders: async (req, ctx) => {
      const listed = await this.providers.list(authenticatedCallerOf(ctx), 'email', page(req.query));
      return { details: listDetailsV1(listed.total), result: listed.items.map(emailProviderV1) };
    },
    activateEmailProvider: async (req, ctx) => ({
      details: objectDetailsV1(await this.providers.activate(authenticatedCallerOf(ctx), 'email', req.id)),
    }),
    deactivateEmailProvider: async (req, ctx) => ({
      details: objectDetailsV1(await this.providers.deactivate(authenticatedCallerOf(ctx), 'email', req.id)),
    }),
    removeEmailProvider: async (req, ctx) => ({
      details: objectDetailsV1(await this.providers.remove(authenticatedCallerOf(ctx), 'email', req.id)),
    }),
    testEmailProviderSMTP: async (req, ctx) => {
      await this.providers.testSmtp(
        authenticatedCallerOf(ctx),
        smtpConfig({ ...req, replyToAddress: '' }),
        req.password,
        receiverAddress(req.receiverAddress),
        req.id || undefined,
      );
      return {};
    },
    testEmailProviderSMTPById: async (req, ctx) => {
      await this.providers.testSmtpById(authenticatedCallerOf(ctx), req.id, receiverAddress(req.receiverAddress));
      return {};
    },

    // ---- SMS ----
    addSMSProviderTwilio: async (req, ctx) => {
      const added = await this.providers.add(authenticatedCallerOf(ctx), 'sms', {
        description: req.description,
        config: twilio(req),
        secret: requiredSecret(req.token, 'token'),
      });
      return { details: objectDetailsV1(added), id: added.id };
    },
    updateSMSProviderTwilio: async (req, ctx) => ({
      details: objectDetailsV1(
        await this.providers.update(authenticatedCallerOf(ctx), 'sms', req.id, {
          description: req.description,
          config: twilio(req),
        }),
      ),
    }),
    updateSMSProviderTwilioToken: async (req, ctx) => ({
      details: objectDetailsV1(
        await this.providers.updateSecret(
          authenticatedCallerOf(ctx),
          'sms',
          req.id,
          'twilio',
          requiredSecret(req.token, 'token'),
        ),
      ),
    }),
    addSMSProviderHTTP: async (req, ctx) => {
      const added = await this.providers.add(authenticatedCallerOf(ctx), 'sms', {
        description: req.description,
        config: http(req),
      });
      return { details: objectDetailsV1(added), id: added.id };
    },
    updateSMSProviderHTTP: async (req, ctx) => ({
      details: objectDetailsV1(
        await this.providers.update(authenticatedCallerOf(ctx), 'sms', req.id, {
          description: req.description,
          config: http(req),
        }),
      ),
    }),
    getSMSProvider: async (req, ctx) => ({
      config: smsProviderV1(await this.providers.get(authenticatedCallerOf(ctx), 'sms', req.id)),
    }),
    listSMSProviders: async (req, ctx) => {
      const listed = await this.providers.list(authenticatedCallerOf(ctx), 'sms', page(req.query));
      return { details: listDetailsV1(listed.total), result: listed.items.map(smsProviderV1) };
    },
    activateSMSProvider: async (req, ctx) => ({
      details: objectDetailsV1(await this.providers.activate(authenticatedCallerOf(ctx), 'sms', req.id)),
    }),
    deactivateSMSProvider: async (req, ctx) => ({
      details: objectDetailsV1(await this.providers.deactivate(authenticatedCallerOf(ctx), 'sms', req.id)),
    }),
    removeSMSProvider: async (req, ctx) => ({
      details: objectDetailsV1(await this.providers.remove(authenticatedCallerOf(ctx), 'sms', req.id)),
    }),
  };
}
