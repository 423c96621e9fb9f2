import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import type { EntityManager } from 'typeorm';
import { MembershipCommands } from '../platform/authz/membership-commands.js';
import { Config } from '../platform/config/config.js';
import { Transactions } from '../platform/database/transactions.js';
import { EventStore, SYSTEM_CREATOR } from '../platform/events/event-store.js';
import { IdGenerator } from '../platform/ids/id-generator.js';
import { LOGGER } from '../platform/platform.module.js';
import { systemCaller } from '../platform/rpc/call-context.js';
import { hostName } from '../platform/tenancy/instance-resolver.js';
import { Instance, InstanceDomain } from '../platform/tenancy/instance.entity.js';
import { OrgQueries } from '../orgs/orgs.queries.js';
import { OrgsService } from '../orgs/orgs.service.js';
import { UsersService } from '../users/users.service.js';
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
    private readonly ids: IdGenerator,
    private readonly events: EventStore,
    private readonly orgs: OrgsService,
    private readonly orgQueries: OrgQueries,
    private readonly users: UsersService,
    private readonly members: MembershipCommands,
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
    const id = this.ids.next();
    const primaryDomain = firstInstanceDomains(this.config)[0];
    const instance = tx.create(Instance, {
      id,
      name: this.config.instanceName,
      defaultOrgId: null,
      primaryDomain,
      createdAt: new Date(),
    });
    await tx.insert(Instance, instance);
    await this.addDomains(tx, id);
    await this.events.push(tx, id, SYSTEM_CREATOR, [
      {
        aggregateType: 'instance',
        aggregateId: id,
        type: 'instance.added',
        payload: { name: instance.name },
        resourceOwner: id,
      },
    ]);

    const caller = systemCaller(instance, 'bootstrap');
    await this.webKeys.ensureActiveKey(caller, tx);
    const org = await this.orgs.create(caller, { name: this.config.defaultOrgName, admins: [] }, tx);
    instance.defaultOrgId = org.id;
    await tx.update(Instance, { id }, { defaultOrgId: org.id });
    await this.events.push(tx, id, SYSTEM_CREATOR, [
      {
        aggregateType: 'instance',
        aggregateId: id,
        type: 'instance.default.org.set',
        payload: { orgId: org.id },
        resourceOwner: id,
      },
    ]);

    const orgDomain = await this.orgQueries.primaryDomain(tx, id, org.id);
    const human = await this.users.addHuman(tx, caller, org.id, {
      username: this.config.adminUsername,
      givenName: 'Portcullis',
      familyName: 'Admin',
      email: `${this.config.adminUsername}@${orgDomain}`,
      emailVerified: true,
      returnEmailCode: false,
      password: { value: this.config.adminPassword, changeRequired: true },
      fieldPath: 'PORTCULLIS_ADMIN',
    });
    const machineId = await this.users.addMachine(tx, caller, org.id, {
      username: ADMIN_MACHINE_USERNAME,
      name: 'Portcullis admin service account',
    });
    for (const userId of [human.userId, machineId]) {
      await this.members.grant(tx, caller, {
        userId,
        level: 'instance',
        resourceId: id,
        resourceOwner: id,
        roles: ['IAM_OWNER'],
      });
    }
    const pat = await this.users.addPersonalAccessToken(
      tx,
      caller,
      { id: machineId, resourceOwner: org.id },
      PAT_EXPIRY,
    );
    this.writePat(pat.token);
    this.log.info(
      {
        instanceId: id,
        org: this.config.defaultOrgName,
        admin: this.config.adminUsername,
        patFile: this.config.patPath,
      },
      `first instance created: the admin PAT is in ${this.config.patPath}; open ${this.config.externalUrl}`,
    );
    return instance;
  }

  private writePat(token: string): void {
    mkdirSync(dirname(this.config.patPath), { recursive: true });
    writeFileSync(this.config.patPath, token + '\n', { mode: 0o600 });
    chmodSync(this.config.patPath, 0o600);
  }
}
