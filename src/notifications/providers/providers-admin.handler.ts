import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { ServiceImpl } from '@connectrpc/connect';
import { AdminService } from '@zitadel/proto/zitadel/admin_pb.js';
import { authenticatedCallerOf } from '../../platform/rpc/call-context.js';
import { RpcRegistry, type AccessTable } from '../../platform/rpc/registry.js';
import { assertMatchesAnnotations } from '../../platform/rpc/annotated-access.js';
import { objectDetailsV1 } from '../../settings/settings-v1.mapper.js';
import { httpConfig, requiredSecret, twilioConfig, type ProviderConfig } from './provider-rules.js';
import { emailProviderV1, smsProviderV1 } from './providers.mapper.js';
import { providerStateMethodsV1, smtpProviderMethodsV1 } from './providers-v1.js';
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

  private readonly smtp = smtpProviderMethodsV1(this.providers);
  private readonly email = providerStateMethodsV1(this.providers, 'email', emailProviderV1);
  private readonly sms = providerStateMethodsV1(this.providers, 'sms', smsProviderV1);

  readonly impl: Partial<ServiceImpl<typeof AdminService>> = {
    // ---- email ----
    addEmailProviderSMTP: this.smtp.add,
    updateEmailProviderSMTP: this.smtp.update,
    updateEmailProviderSMTPPassword: this.smtp.updatePassword,
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
    getEmailProvider: async (_req, ctx) => ({ config: await this.email.active(ctx) }),
    getEmailProviderById: async (req, ctx) => ({ config: await this.email.byId(req, ctx) }),
    listEmailProviders: this.email.list,
    activateEmailProvider: this.email.activate,
    deactivateEmailProvider: this.email.deactivate,
    removeEmailProvider: this.email.remove,
    testEmailProviderSMTP: this.smtp.test,
    testEmailProviderSMTPById: this.smtp.testById,

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
        await this.providers.updateTwilioToken(authenticatedCallerOf(ctx), req.id, requiredSecret(req.token, 'token')),
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
    getSMSProvider: async (req, ctx) => ({ config: await this.sms.byId(req, ctx) }),
    listSMSProviders: this.sms.list,
    activateSMSProvider: this.sms.activate,
    deactivateSMSProvider: this.sms.deactivate,
    removeSMSProvider: this.sms.remove,
  };
}
