import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { ServiceImpl } from '@connectrpc/connect';
import { AdminService } from '@zitadel/proto/zitadel/admin_pb.js';
import { page } from '../../platform/database/list-query.js';
import { authenticatedCallerOf } from '../../platform/rpc/call-context.js';
import { RpcRegistry, type AccessTable } from '../../platform/rpc/registry.js';
import { assertMatchesAnnotations } from '../../platform/rpc/annotated-access.js';
import { objectDetailsV1 } from '../../settings/settings-v1.mapper.js';
import { receiverAddress, requiredSecret, smtpConfig, type ProviderConfig, type SmtpConfig } from './provider-rules.js';
import { listDetailsV1, smtpConfigV1 } from './providers.mapper.js';
import { ProvidersService } from './providers.service.js';

const READ = { permission: 'iam.read' } as const;
const WRITE = { permission: 'iam.write' } as const;

/** ZITADEL's permissions for the SMTP config methods: instance-level iam.read / iam.write. */
export const ADMIN_SMTP_CONFIG_ACCESS: AccessTable<typeof AdminService> = {
  getSMTPConfig: READ,
  getSMTPConfigById: READ,
  listSMTPConfigs: READ,
  addSMTPConfig: WRITE,
  updateSMTPConfig: WRITE,
  updateSMTPConfigPassword: WRITE,
  activateSMTPConfig: WRITE,
  deactivateSMTPConfig: WRITE,
  removeSMTPConfig: WRITE,
  testSMTPConfigById: WRITE,
  testSMTPConfig: WRITE,
};

const smtp = (req: SmtpConfig): ProviderConfig => ({ kind: 'smtp', smtp: smtpConfig(req) });

/**
 * ZITADEL's older SMTP config API (deprecated there in favour of the email providers): the same
 * email providers, seen as SMTPConfig messages. Activation, removal and look-ups by id apply to any
 * email provider, as in ZITADEL, whose SMTP config and email provider are one resource.
 */
@Injectable()
export class SmtpConfigAdminHandler implements OnModuleInit {
  constructor(
    private readonly providers: ProvidersService,
    private readonly registry: RpcRegistry,
  ) {}

  onModuleInit(): void {
    assertMatchesAnnotations(AdminService, ADMIN_SMTP_CONFIG_ACCESS);
    this.registry.register({ service: AdminService, impl: this.impl, access: ADMIN_SMTP_CONFIG_ACCESS });
  }

  readonly impl: Partial<ServiceImpl<typeof AdminService>> = {
    getSMTPConfig: async (_req, ctx) => ({
      smtpConfig: smtpConfigV1(await this.providers.getActive(authenticatedCallerOf(ctx), 'email')),
    }),
    getSMTPConfigById: async (req, ctx) => ({
      smtpConfig: smtpConfigV1(await this.providers.get(authenticatedCallerOf(ctx), 'email', req.id)),
    }),
    listSMTPConfigs: async (req, ctx) => {
      const listed = await this.providers.list(authenticatedCallerOf(ctx), 'email', page(req.query));
      return { details: listDetailsV1(listed.total), result: listed.items.map(smtpConfigV1) };
    },
    addSMTPConfig: async (req, ctx) => {
      const added = await this.providers.add(authenticatedCallerOf(ctx), 'email', {
        description: req.description,
        config: smtp(req),
        secret: req.password,
      });
      return { details: objectDetailsV1(added), id: added.id };
    },
    updateSMTPConfig: async (req, ctx) => ({
      details: objectDetailsV1(
        await this.providers.update(authenticatedCallerOf(ctx), 'email', req.id, {
          description: req.description,
          config: smtp(req),
          secret: req.password,
        }),
      ),
    }),
    updateSMTPConfigPassword: async (req, ctx) => ({
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
    activateSMTPConfig: async (req, ctx) => ({
      details: objectDetailsV1(await this.providers.activate(authenticatedCallerOf(ctx), 'email', req.id)),
    }),
    deactivateSMTPConfig: async (req, ctx) => ({
      details: objectDetailsV1(await this.providers.deactivate(authenticatedCallerOf(ctx), 'email', req.id)),
    }),
    removeSMTPConfig: async (req, ctx) => ({
      details: objectDetailsV1(await this.providers.remove(authenticatedCallerOf(ctx), 'email', req.id)),
    }),
    testSMTPConfigById: async (req, ctx) => {
      await this.providers.testSmtpById(authenticatedCallerOf(ctx), req.id, receiverAddress(req.receiverAddress));
      return {};
    },
    testSMTPConfig: async (req, ctx) => {
      await this.providers.testSmtp(
        authenticatedCallerOf(ctx),
        smtpConfig({ ...req, replyToAddress: '' }),
        req.password,
        receiverAddress(req.receiverAddress),
        req.id || undefined,
      );
      return {};
    },
  };
}
