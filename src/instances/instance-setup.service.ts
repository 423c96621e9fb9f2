import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ConsoleClients } from '../console/console-clients.service.js';
import { DEFAULT_INSTANCE_FEATURES } from '../features/feature-flags.js';
import { FeaturesService } from '../features/features.service.js';
import { MembershipCommands } from '../platform/authz/membership-commands.js';
import { isUniqueViolation, underSavepoint } from '../platform/database/pg-errors.js';
import { EventStore, type WrittenEvent } from '../platform/events/event-store.js';
import { IdGenerator } from '../platform/ids/id-generator.js';
import { creatorOf, systemCaller, type Caller } from '../platform/rpc/call-context.js';
import { Instance, InstanceDomain } from '../platform/tenancy/instance.entity.js';
import { OrgQueries } from '../orgs/orgs.queries.js';
import { OrgsService } from '../orgs/orgs.service.js';
import { SettingsService } from '../settings/settings.service.js';
import { MachineCredentialsService } from '../users/credentials/machine-credentials.service.js';
import { UsersService } from '../users/users.service.js';
import { WebKeysService } from '../webkeys/webkeys.service.js';
import * as errors from './instances.errors.js';

/** A human who owns the new instance (IAM_OWNER); without email, `<username>@<the org's domain>`. */
export interface HumanOwner {
  readonly kind: 'human';
  readonly username: string;
  readonly givenName: string;
  readonly familyName: string;
  readonly email?: string;
  readonly emailVerified: boolean;
  readonly password?: { readonly value: string; readonly changeRequired: boolean };
  readonly preferredLanguage?: string;
  /** Where in the request the owner came from, to name fields in errors. */
  readonly fieldPath: string;
}

/** A machine user who owns the new instance, with a PAT and/or a key returned once. */
export interface MachineOwner {
  readonly kind: 'machine';
  readonly username: string;
  readonly name: string;
  readonly pat?: { readonly expiresAt: Date };
  readonly key?: { readonly expiresAt?: Date };
}

export interface NewInstance {
  readonly id?: string;
  readonly name: string;
  /** The first one is the primary domain, which generated org domains sit under. */
  readonly domains: readonly { readonly domain: string; readonly generated: boolean }[];
  readonly orgName: string;
  readonly owners: readonly (HumanOwner | MachineOwner)[];
  readonly defaultLanguage?: string;
}

export interface CreatedOwner {
  readonly userId: string;
  readonly pat?: string;
  readonly keyFile?: Buffer;
}

export interface CreatedInstance {
  readonly instance: Instance;
  readonly orgId: string;
  readonly owners: readonly CreatedOwner[];
  readonly event: WrittenEvent;
}

/**
 * Makes an instance with its defaults in the caller's unit of work: its domains, a signing web
 * key, ZITADEL's default instance feature flags, the first (default) org, the console's OIDC
 * client and the owners as IAM_OWNER. The first
 * instance at boot and every instance the system API creates are made here; settings are the
 * built-in defaults until changed.
 */
@Injectable()
export class InstanceSetup {
  constructor(
    private readonly ids: IdGenerator,
    private readonly events: EventStore,
    private readonly orgs: OrgsService,
    private readonly orgQueries: OrgQueries,
    private readonly users: UsersService,
    private readonly credentials: MachineCredentialsService,
    private readonly members: MembershipCommands,
    private readonly webKeys: WebKeysService,
    private readonly settings: SettingsService,
    private readonly consoleClients: ConsoleClients,
    private readonly features: FeaturesService,
  ) {}

  async create(tx: EntityManager, spec: NewInstance, requestId: string, actor?: string): Promise<CreatedInstance> {
    const id = spec.id ?? this.ids.next();
    const instance = tx.create(Instance, {
      id,
      name: spec.name,
      defaultOrgId: null,
      primaryDomain: spec.domains[0].domain,
      createdAt: new Date(),
    });
    await tx.insert(Instance, instance);
    const caller = systemCaller(instance, requestId, actor);
    await this.push(tx, caller, 'instance.added', { name: instance.name });
    for (const d of spec.domains) await this.addDomain(tx, caller, d.domain, d.generated);

    await this.webKeys.ensureActiveKey(caller, tx);
    await this.features.setOnInstance(tx, caller, DEFAULT_INSTANCE_FEATURES);
    if (spec.defaultLanguage)
      await this.settings.setInstancePolicy(caller, 'general', () => ({ defaultLanguage: spec.defaultLanguage! }), {
        outer: tx,
      });
    const org = await this.orgs.create(caller, { name: spec.orgName, admins: [] }, tx);
    instance.defaultOrgId = org.id;
    await tx.update(Instance, { id }, { defaultOrgId: org.id });
    const event = await this.push(tx, caller, 'instance.default.org.set', { orgId: org.id });
    await this.consoleClients.ensureIn(tx, caller);

    const owners: CreatedOwner[] = [];
    for (const owner of spec.owners) owners.push(await this.addOwner(tx, caller, org.id, owner));
    return { instance, orgId: org.id, owners, event };
  }

  /** A domain no instance has yet; its row makes requests with that host reach the instance. */
  async addDomain(tx: EntityManager, caller: Caller, domain: string, generated: boolean): Promise<WrittenEvent> {
    await underSavepoint(
      tx,
      () =>
        tx.insert(InstanceDomain, {
          domain,
          instanceId: caller.instance.id,
          isGenerated: generated,
          createdAt: new Date(),
        }),
      (err) => (isUniqueViolation(err) ? errors.domainTaken(domain) : err),
    );
    const added = await this.push(tx, caller, 'instance.domain.added', { domain, generated });
    // As ZITADEL: the console gets a redirect URI on the new domain at once.
    await this.consoleClients.ensureIn(tx, caller);
    return added;
  }

  async push(tx: EntityManager, caller: Caller, type: string, payload: Record<string, unknown>): Promise<WrittenEvent> {
    const [written] = await this.events.push(tx, caller.instance.id, creatorOf(caller), [
      { aggregateType: 'instance', aggregateId: caller.instance.id, resourceOwner: caller.instance.id, type, payload },
    ]);
    return written;
  }

  private async addOwner(
    tx: EntityManager,
    caller: Caller,
    orgId: string,
    owner: HumanOwner | MachineOwner,
  ): Promise<CreatedOwner> {
    if (owner.kind === 'human') {
      const email =
        owner.email?.trim() ||
        `${owner.username}@${await this.orgQueries.primaryDomain(tx, caller.instance.id, orgId)}`;
      const human = await this.users.addHuman(tx, caller, orgId, {
        username: owner.username,
        givenName: owner.givenName,
        familyName: owner.familyName,
        email,
        emailVerified: owner.emailVerified,
        returnEmailCode: false,
        ...(owner.password ? { password: owner.password } : {}),
        ...(owner.preferredLanguage ? { preferredLanguage: owner.preferredLanguage } : {}),
        fieldPath: owner.fieldPath,
      });
      await this.makeOwner(tx, caller, human.userId);
      return { userId: human.userId };
    }
    const userId = await this.users.addMachine(tx, caller, orgId, { username: owner.username, name: owner.name });
    await this.makeOwner(tx, caller, userId);
    const user = { id: userId, resourceOwner: orgId };
    const pat = owner.pat
      ? (await this.users.addPersonalAccessToken(tx, caller, user, owner.pat.expiresAt)).token
      : undefined;
    const keyFile = owner.key
      ? (await this.credentials.addKey(caller, userId, { expiration: owner.key.expiresAt }, tx)).keyFile
      : undefined;
    return { userId, ...(pat ? { pat } : {}), ...(keyFile ? { keyFile } : {}) };
  }

  private makeOwner(tx: EntityManager, caller: Caller, userId: string): Promise<void> {
    return this.members.grant(tx, caller, {
      userId,
      level: 'instance',
      resourceId: caller.instance.id,
      resourceOwner: caller.instance.id,
      roles: ['IAM_OWNER'],
    });
  }
}
