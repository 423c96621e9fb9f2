import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { ServiceImpl } from '@connectrpc/connect';
import { AdminService } from '@zitadel/proto/zitadel/admin_pb.js';
import { RpcRegistry, type AccessTable } from '../../platform/rpc/registry.js';
import { assertMatchesAnnotations } from '../../platform/rpc/annotated-access.js';
import { smtpConfigV1 } from './providers.mapper.js';
import { providerStateMethodsV1, smtpProviderMethodsV1 } from './providers-v1.js';
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

  private readonly smtp = smtpProviderMethodsV1(this.providers);
  private readonly email = providerStateMethodsV1(this.providers, 'email', smtpConfigV1);

  readonly impl: Partial<ServiceImpl<typeof AdminService>> = {
    getSMTPConfig: async (_req, ctx) => ({ smtpConfig: await this.email.active(ctx) }),
    getSMTPConfigById: async (req, ctx) => ({ smtpConfig: await this.email.byId(req, ctx) }),
    listSMTPConfigs: this.email.list,
    addSMTPConfig: this.smtp.add,
    updateSMTPConfig: this.smtp.update,
    updateSMTPConfigPassword: this.smtp.updatePassword,
    activateSMTPConfig: this.email.activate,
    deactivateSMTPConfig: this.email.deactivate,
    removeSMTPConfig: this.email.remove,
    testSMTPConfigById: this.smtp.testById,
    testSMTPConfig: this.smtp.test,
  };
}
