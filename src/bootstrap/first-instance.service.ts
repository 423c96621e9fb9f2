import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import type { EntityManager } from 'typeorm';
import { Config } from '../platform/config/config.js';
import { Transactions } from '../platform/database/transactions.js';
import { LOGGER } from '../platform/platform.module.js';
import { systemCaller } from '../platform/rpc/call-context.js';
import { hostName } from '../platform/tenancy/instance-resolver.js';
import { Instance, InstanceDomain } from '../platform/tenancy/instance.entity.js';
import { InstanceSetup } from '../instances/instance-setup.service.js';
import { WebKeysService } from '../webkeys/webkeys.service.js';

const BOOTSTRAP_LOCK = 7274829;
const ADMIN_MACHINE_USERNAME = 'portcullis-admin-sa';
/** As ZITADEL's first-instance machine PAT: valid until explicitly removed, in practice. */
const PAT_EXPIRY = new Date(Date.UTC(2099, 0, 1));

export interface BootstrapResult {
  readonly instance: Instance;
  readonly created: boolean;
}

/** The domains the first instance answers on: the external URL's host plus the trusted ones. */
export function firstInstanceDomains(config: Pick<Config, 'externalUrl' | 'trustedDomains'>): string[] {
  const domains = [hostName(new URL(config.externalUrl).host), ...config.trustedDomains.split(',').map(hostName)];
  return [...new Set(domains.filter(Boolean))];
}

/**
 * First start: the first instance, its default org, a human admin (IAM_OWNER, password change
 * required) and a machine admin whose PAT is written to a 0600 file. Idempotent: later starts
 * only add newly configured domains. Processes starting together take turns on a lock.
 */
@Injectable()
export class FirstInstanceSetup {
  constructor(
    @Inject(Config) private readonly config: Config,
    @Inject(LOGGER) private readonly log: Logger,
    private readonly tx: Transactions,
    private readonly setup: InstanceSetup,
    private readonly webKeys: WebKeysService,
  ) {}

  async run(): Promise<BootstrapResult> {
    return this.tx.run(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [BOOTSTRAP_LOCK]);
      const existing = await tx
        .getRepository(Instance)
        .createQueryBuilder('i')
        .orderBy('i.created_at')
        .addOrderBy('i.id')
        .getOne();
      if (existing) {
        await this.addDomains(tx, existing.id);
        // Instances made before web keys existed get their signing key on the next start.
        await this.webKeys.ensureActiveKey(systemCaller(existing, 'bootstrap'), tx);
        return { instance: existing, created: false };
      }
      return { instance: await this.createFirstInstance(tx), created: true };
    });
  }

  private async addDomains(tx: EntityManager, instanceId: string): Promise<void> {
    for (const domain of firstInstanceDomains(this.config)) {
      await tx
        .createQueryBuilder()
        .insert()
        .into(InstanceDomain)
        .values({ domain, instanceId, isGenerated: false, createdAt: new Date() })
        .orIgnore()
        .execute();
    }
  }

  private async createFirstInstance(tx: EntityManager): Promise<Instance> {
    const created = await this.setup.create(
      tx,
      {
        name: this.config.instanceName,
        domains: firstInstanceDomains(this.config).map((domain) => ({ domain, generated: false })),
        orgName: this.config.defaultOrgName,
        owners: [
          {
            kind: 'human',
            username: this.config.adminUsername,
            givenName: 'Portcullis',
            familyName: 'Admin',
            emailVerified: true,
            password: { value: this.config.adminPassword, changeRequired: true },
            fieldPath: 'PORTCULLIS_ADMIN',
          },
          {
            kind: 'machine',
            username: ADMIN_MACHINE_USERNAME,
            name: 'Portcullis admin service account',
            pat: { expiresAt: PAT_EXPIRY },
          },
        ],
      },
      'bootstrap',
    );
    this.writePat(created.owners[1].pat!);
    this.log.info(
      {
        instanceId: created.instance.id,
        org: this.config.defaultOrgName,
        admin: this.config.adminUsername,
        patFile: this.config.patPath,
      },
      `first instance created: the admin PAT is in ${this.config.patPath}; open ${this.config.externalUrl}`,
    );
    return created.instance;
  }

  private writePat(token: string): void {
    mkdirSync(dirname(this.config.patPath), { recursive: true });
    writeFileSync(this.config.patPath, token + '\n', { mode: 0o600 });
    chmodSync(this.config.patPath, 0o600);
  }
}
