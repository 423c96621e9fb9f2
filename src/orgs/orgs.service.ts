import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { authorize } from '../platform/authz/authorize.js';
import { MembershipCommands } from '../platform/authz/membership-commands.js';
import { MasterKey, randomToken } from '../platform/crypto/master-key.js';
import { isUniqueViolation, underSavepoint } from '../platform/database/pg-errors.js';
import { Transactions } from '../platform/database/transactions.js';
import { invalidField } from '../platform/errors/domain-error.js';
import { EventStore, type EventInput, type WrittenEvent } from '../platform/events/event-store.js';
import { IdGenerator } from '../platform/ids/id-generator.js';
import { creatorOf, type Caller } from '../platform/rpc/call-context.js';
import { InstanceResolver } from '../platform/tenancy/instance-resolver.js';
import { Instance } from '../platform/tenancy/instance.entity.js';
import { DomainVerifier } from './domain-verifier.js';
import { OrgLifecycle } from './org-lifecycle.js';
import { Org, OrgDomain, OrgMetadata, type DomainValidationType, type OrgState } from './org.entity.js';
import {
  challengeLocation,
  generatedDomain,
  isValidDomain,
  normaliseDomain,
  usernameDomainTurns,
} from './org-rules.js';
import * as errors from './orgs.errors.js';
import { OrgQueries } from './orgs.queries.js';
import type { Permission } from '../platform/authz/permissions.js';

export type AdminSpec =
  | { readonly kind: 'existing'; readonly userId: string; readonly roles: readonly string[]; readonly field: string }
  | {
      readonly kind: 'human';
      /** The AddHumanUserRequest as received: the users context reads it (see OrgPeople.readHuman). */
      readonly request: unknown;
      readonly roles: readonly string[];
      readonly field: string;
    }
  | {
      readonly kind: 'readHuman';
      /** A human the caller's edge has already read into the users context's shape (v1 SetUpOrg). */
      readonly human: unknown;
      readonly roles: readonly string[];
      readonly field: string;
    };

export interface NewOrg {
  readonly id?: string;
  readonly name: string;
  readonly admins: readonly AdminSpec[];
  /** A domain of the org's own beside the generated one (v1 SetUpOrg's org.domain), verified only if the domain policy waives validation. */
  readonly customDomain?: { readonly domain: string; readonly field: string };
}

export type OrgAdminResult =
  | { readonly kind: 'created'; readonly userId: string; readonly emailCode?: string }
  | { readonly kind: 'assigned'; readonly userId: string };

/** Sequence, time and owner of the last change, for the responses' details. */
export interface ChangeDetails {
  readonly sequence: bigint;
  readonly changeDate: Date;
  readonly resourceOwner: string;
  readonly creationDate?: Date;
}

export interface OrgCreated {
  readonly id: string;
  readonly details: ChangeDetails;
  readonly admins: OrgAdminResult[];
}

const DEFAULT_ADMIN_ROLES = ['ORG_OWNER'];

function details(event: WrittenEvent, creationDate?: Date): ChangeDetails {
  return { sequence: event.sequence, changeDate: event.createdAt, resourceOwner: event.resourceOwner, creationDate };
}

/** Commands on organizations, their domains and metadata (their queries: OrgQueries). */
@Injectable()
export class OrgsService {
  constructor(
    private readonly tx: Transactions,
    private readonly ids: IdGenerator,
    private readonly events: EventStore,
    private readonly members: MembershipCommands,
    private readonly lifecycle: OrgLifecycle,
    private readonly masterKey: MasterKey,
    private readonly verifier: DomainVerifier,
    private readonly instances: InstanceResolver,
    private readonly queries: OrgQueries,
  ) {}

  // ---- commands ---------------------------------------------------------------------------

  async create(caller: Caller, input: NewOrg, outer?: EntityManager): Promise<OrgCreated> {
    const people = this.lifecycle.people();
    // The admins' requests are checked before anything else, the org's name included.
    const humans = input.admins.map((a) =>
      a.kind === 'human' ? people.readHuman(a.request, `${a.field}.human`) : a.kind === 'readHuman' ? a.human : null,
    );
    const name = input.name.trim();
    if (!name) throw invalidField('ORG-n4m3e', 'name', 'must not be blank');
    authorize(caller, 'org.create', {}, errors.orgNotFound);
    const id = input.id?.trim() || this.ids.next();
    const domain = generatedDomain(name, id, caller.instance.primaryDomain);
    const custom = input.customDomain ? normaliseDomain(input.customDomain.domain) : '';
    if (input.customDomain && !isValidDomain(custom))
      throw invalidField('ORG-d0m1v', input.customDomain.field, 'must be a valid domain name, e.g. example.com');
    // Both domains may be verified here and claim usernames, and the admins write usernames in
    // theirs: all held before anything is locked, in the one order every creation takes them in.
    const domainTurns = usernameDomainTurns(
      [domain, custom],
      humans.map((human) => (human ? people.usernameDomainOf(human) : undefined)),
    );
    return this.tx.run(async (tx) => {
      for (const turn of domainTurns)
        await this.queries.holdUsernameDomain(tx, caller.instance.id, turn.domain, turn.mode);
      const now = new Date();
      await this.insertOrg(tx, {
        instanceId: caller.instance.id,
        id,
        name,
        state: 'active',
        primaryDomain: domain,
        usernamesPerOrg: await this.lifecycle.newOrgUsernamesPerOrg(tx, caller.instance.id),
        createdAt: now,
        changedAt: now,
        sequence: '0',
      });
      await this.insertDomain(tx, {
        instanceId: caller.instance.id,
        orgId: id,
        domain,
        isVerified: true,
        isPrimary: true,
        isGenerated: true,
        createdAt: now,
      });
      let written = await this.push(tx, caller, id, [
        { type: 'org.added', payload: { name } },
        { type: 'org.domain.added', payload: { domain } },
        { type: 'org.domain.verified', payload: { domain } },
        { type: 'org.domain.primary.set', payload: { domain } },
      ]);
      // ZITADEL's SetUpOrg / AddOrganization claim the users of the generated domain too.
      await people.claimUsernames(tx, caller, id, domain);
      if (custom && custom !== domain) written = await this.addCustomDomain(tx, caller, id, custom, now);
      const admins = await this.addAdmins(tx, caller, id, input.admins, humans);
      return { id, details: details(written, now), admins };
    }, outer);
  }

  async rename(caller: Caller, orgId: string, newName: string): Promise<ChangeDetails> {
    const name = newName.trim();
    if (!name) throw invalidField('ORG-n4m3e', 'name', 'must not be blank');
    return this.tx.run(async (tx) => {
      const org = await this.loadForWrite(tx, caller, orgId, 'org.write');
      if (org.state !== 'active') throw errors.orgNotActive();
      if (org.name === name) throw errors.orgNameUnchanged();
      const changes: EventInput['payload'][] = [{ name }];
      let primaryDomain = org.primaryDomain;
      const generated = await tx.findOneBy(OrgDomain, { instanceId: caller.instance.id, orgId, isGenerated: true });
      const newDomain = generatedDomain(name, orgId, caller.instance.primaryDomain);
      // As ZITADEL: the generated domain follows the name, and stays primary if it was.
      if (generated && generated.domain !== newDomain) {
        await tx.delete(OrgDomain, { instanceId: caller.instance.id, orgId, domain: generated.domain });
        await this.insertDomain(tx, { ...generated, domain: newDomain, createdAt: new Date() });
        if (generated.isPrimary) primaryDomain = newDomain;
        changes.push({ domain: newDomain, replaced: generated.domain });
      }
      await this.updateOrg(tx, caller, orgId, { name, primaryDomain });
      return details(
        await this.push(tx, caller, orgId, [
          { type: 'org.changed', payload: { name } },
          ...(changes.length > 1 ? [{ type: 'org.domain.generated.changed', payload: changes[1] }] : []),
        ]),
      );
    });
  }

  async setState(caller: Caller, orgId: string, state: OrgState): Promise<ChangeDetails> {
    return this.tx.run(async (tx) => {
      const org = await this.loadForWrite(tx, caller, orgId, 'org.write');
      if (org.state === state) throw state === 'active' ? errors.orgAlreadyActive() : errors.orgAlreadyInactive();
      await this.updateOrg(tx, caller, orgId, { state });
      return details(
        await this.push(tx, caller, orgId, [{ type: state === 'active' ? 'org.reactivated' : 'org.deactivated' }]),
      );
    });
  }

  /** Deletes the org and everything it owns: its users, their tokens, domains, metadata, memberships. */
  async delete(caller: Caller, orgId: string): Promise<ChangeDetails> {
    return this.tx.run(async (tx) => {
      await this.loadForWrite(tx, caller, orgId, 'org.delete');
      if (caller.instance.defaultOrgId === orgId) throw errors.defaultOrgUndeletable();
      const written = await this.push(tx, caller, orgId, [{ type: 'org.removed' }]);
      await this.members.removeOwnedBy(tx, caller.instance.id, orgId);
      // Its users (and their memberships and tokens) and its own policies, by their contexts.
      await this.lifecycle.removeAll(tx, caller.instance.id, orgId);
      await tx.delete(Org, { instanceId: caller.instance.id, id: orgId }); // domains and metadata cascade
      return details(written);
    });
  }

  async setMetadata(
    caller: Caller,
    orgId: string,
    entries: readonly { key: string; value: Uint8Array }[],
  ): Promise<ChangeDetails> {
    // Nothing to set would write no event (and answered INTERNAL: found by the fuzzer).
    if (entries.length === 0) throw invalidField('ORG-m3t4e', 'metadata', 'at least one entry is required');
    entries.forEach((e, i) => {
      if (!e.key.trim()) throw invalidField('ORG-m3t4k', `metadata[${i}].key`, 'must not be blank');
      if (e.value.length === 0) throw invalidField('ORG-m3t4v', `metadata[${i}].value`, 'must not be empty');
    });
    return this.tx.run(async (tx) => {
      await this.loadForWrite(tx, caller, orgId, 'org.write');
      const now = new Date();
      for (const e of entries) {
        await tx
          .createQueryBuilder()
          .insert()
          .into(OrgMetadata)
          .values({
            instanceId: caller.instance.id,
            orgId,
            key: e.key,
            value: Buffer.from(e.value),
            createdAt: now,
            changedAt: now,
          })
          .orUpdate(['value', 'changed_at'], ['instance_id', 'org_id', 'key'])
          .execute();
      }
      return details(
        await this.push(
          tx,
          caller,
          orgId,
          entries.map((e) => ({ type: 'org.metadata.set', payload: { key: e.key } })),
        ),
      );
    });
  }

  async deleteMetadata(caller: Caller, orgId: string, keys: readonly string[]): Promise<ChangeDetails> {
    if (keys.length === 0) throw invalidField('ORG-m3t4d', 'keys', 'at least one key is required');
    return this.tx.run(async (tx) => {
      await this.loadForWrite(tx, caller, orgId, 'org.write');
      for (const key of keys) {
        const result = await tx.delete(OrgMetadata, { instanceId: caller.instance.id, orgId, key });
        if (!result.affected) throw errors.metadataNotFound(key);
      }
      return details(
        await this.push(
          tx,
          caller,
          orgId,
          keys.map((key) => ({ type: 'org.metadata.removed', payload: { key } })),
        ),
      );
    });
  }

  async addDomain(caller: Caller, orgId: string, rawDomain: string): Promise<ChangeDetails> {
    const domain = normaliseDomain(rawDomain);
    if (!isValidDomain(domain))
      throw invalidField('ORG-d0m1v', 'domain', 'must be a valid domain name, e.g. example.com');
    return this.tx.run(async (tx) => {
      // Verified at once unless the policy asks for a challenge, then claiming: held first.
      await this.queries.holdUsernameDomain(tx, caller.instance.id, domain, 'claim');
      await this.loadForWrite(tx, caller, orgId, 'org.write', true);
      const existing = await tx.findBy(OrgDomain, { instanceId: caller.instance.id, domain, orgId });
      if (existing.length) throw errors.domainExists(domain);
      const now = new Date();
      return details(await this.addCustomDomain(tx, caller, orgId, domain, now), now);
    });
  }

  async deleteDomain(caller: Caller, orgId: string, rawDomain: string): Promise<ChangeDetails> {
    const domain = normaliseDomain(rawDomain);
    return this.tx.run(async (tx) => {
      await this.loadForWrite(tx, caller, orgId, 'org.write', true);
      const found = await tx.findOneBy(OrgDomain, { instanceId: caller.instance.id, orgId, domain });
      if (!found) throw errors.domainNotFound(domain);
      if (found.isPrimary) throw errors.primaryDomainUndeletable(domain);
      await tx.delete(OrgDomain, { instanceId: caller.instance.id, orgId, domain });
      return details(await this.push(tx, caller, orgId, [{ type: 'org.domain.removed', payload: { domain } }]));
    });
  }

  /** A new challenge token for the domain; replaces any earlier one. */
  async generateDomainValidation(
    caller: Caller,
    orgId: string,
    rawDomain: string,
    type: DomainValidationType,
  ): Promise<{ token: string; url: string }> {
    const domain = normaliseDomain(rawDomain);
    return this.tx.run(async (tx) => {
      await this.loadForWrite(tx, caller, orgId, 'org.write', true);
      const found = await tx.findOneBy(OrgDomain, { instanceId: caller.instance.id, orgId, domain });
      if (!found) throw errors.domainNotFound(domain);
      if (found.isVerified) throw errors.domainAlreadyVerified(domain);
      const token = randomToken(24);
      await tx.update(
        OrgDomain,
        { instanceId: caller.instance.id, orgId, domain },
        {
          validationType: type,
          validationToken: this.masterKey.encrypt(token),
        },
      );
      await this.push(tx, caller, orgId, [
        { type: 'org.domain.verification.added', payload: { domain, validationType: type } },
      ]);
      return { token, url: challengeLocation(type, domain, token) };
    });
  }

  async verifyDomain(caller: Caller, orgId: string, rawDomain: string): Promise<ChangeDetails> {
    const domain = normaliseDomain(rawDomain);
    // Read the challenge first: the network check must not hold a transaction open.
    const pending = await this.tx.run(async (tx) => {
      await this.loadForWrite(tx, caller, orgId, 'org.write', true);
      return tx
        .getRepository(OrgDomain)
        .createQueryBuilder('d')
        .addSelect('d.validationToken')
        .where('d.instance_id = :i AND d.org_id = :o AND d.domain = :domain', {
          i: caller.instance.id,
          o: orgId,
          domain,
        })
        .getOne();
    });
    if (!pending) throw errors.domainNotFound(domain);
    if (pending.isVerified) throw errors.domainAlreadyVerified(domain);
    if (!pending.validationToken || !pending.validationType) throw errors.noPendingValidation(domain);
    const failure = await this.verifier.verify(
      pending.validationType,
      domain,
      this.masterKey.decrypt(pending.validationToken),
    );
    if (failure) {
      await this.tx.run((tx) =>
        this.push(tx, caller, orgId, [{ type: 'org.domain.verification.failed', payload: { domain } }]),
      );
      throw errors.domainVerificationFailed(domain, failure);
    }
    return this.tx.run(async (tx) => {
      await this.loadForWrite(tx, caller, orgId, 'org.write', true);
      const result = await underSavepoint(
        tx,
        () =>
          tx.update(
            OrgDomain,
            { instanceId: caller.instance.id, orgId, domain, isVerified: false },
            { isVerified: true, validationToken: null },
          ),
        (err) => (isUniqueViolation(err, 'org_domains_verified') ? errors.domainVerifiedElsewhere(domain) : err),
      );
      if (!result.affected) throw errors.domainAlreadyVerified(domain);
      const verified = await this.push(tx, caller, orgId, [{ type: 'org.domain.verified', payload: { domain } }]);
      await this.lifecycle.people().claimUsernames(tx, caller, orgId, domain);
      return details(verified);
    });
  }

  /** The org's login names and generated links use its primary domain; only a verified one may be. */
  async setPrimaryDomain(caller: Caller, orgId: string, rawDomain: string): Promise<ChangeDetails> {
    const domain = normaliseDomain(rawDomain);
    if (!domain) throw invalidField('ORG-d0mpb', 'domain', 'must not be blank');
    return this.tx.run(async (tx) => {
      const org = await this.loadForWrite(tx, caller, orgId, 'org.write', true);
      const found = await tx.findOneBy(OrgDomain, { instanceId: caller.instance.id, orgId, domain });
      if (!found) throw errors.domainNotFound(domain);
      if (!found.isVerified) throw errors.domainNotVerified(domain);
      if (found.isPrimary) throw errors.domainAlreadyPrimary(domain);
      await tx.update(
        OrgDomain,
        { instanceId: caller.instance.id, orgId, domain: org.primaryDomain },
        { isPrimary: false },
      );
      await tx.update(OrgDomain, { instanceId: caller.instance.id, orgId, domain }, { isPrimary: true });
      await this.updateOrg(tx, caller, orgId, { primaryDomain: domain });
      return details(await this.push(tx, caller, orgId, [{ type: 'org.domain.primary.set', payload: { domain } }]));
    });
  }

  /** Makes an active org of the instance its default one (admin v1 SetDefaultOrg). */
  async setDefault(caller: Caller, orgId: string): Promise<ChangeDetails> {
    authorize(caller, 'iam.write', { instance: true }, errors.orgNotFound);
    const written = await this.tx.run(async (tx) => {
      const org = await this.loadForWrite(tx, caller, orgId, 'org.read', true);
      await tx.update(Instance, { id: caller.instance.id }, { defaultOrgId: org.id });
      const [event] = await this.events.push(tx, caller.instance.id, creatorOf(caller), [
        {
          aggregateType: 'instance',
          aggregateId: caller.instance.id,
          resourceOwner: caller.instance.id,
          type: 'instance.default.org.set',
          payload: { orgId: org.id },
        },
      ]);
      return event;
    });
    // Requests read the default org from the resolved instance: resolve it afresh.
    this.instances.forget();
    return details(written);
  }

  // ---- internals --------------------------------------------------------------------------

  /** Checks the permission on the org, then locks its row for the rest of the transaction. */
  private async loadForWrite(
    tx: EntityManager,
    caller: Caller,
    orgId: string,
    permission: Permission,
    mustBeActive = false,
  ): Promise<Org> {
    authorize(caller, permission, { orgId }, errors.orgNotFound, 'org.read');
    const org = await tx
      .getRepository(Org)
      .createQueryBuilder('o')
      .setLock('pessimistic_write')
      .where('o.instance_id = :i AND o.id = :id', { i: caller.instance.id, id: orgId })
      .getOne();
    if (!org) throw errors.orgNotFound();
    if (mustBeActive && org.state !== 'active') throw errors.orgNotActive();
    return org;
  }

  /**
   * Adds a domain of the org's own choosing. As ZITADEL's prepareAddOrgDomain, it is verified at
   * once when the domain policy in force for the org does not ask for validation
   * (`validateOrgDomains = false`), claiming the usernames in it, and waits for a challenge
   * otherwise.
   */
  private async addCustomDomain(
    tx: EntityManager,
    caller: Caller,
    orgId: string,
    domain: string,
    now: Date,
  ): Promise<WrittenEvent> {
    const taken = await tx.findBy(OrgDomain, { instanceId: caller.instance.id, domain, isVerified: true });
    if (taken.length) throw errors.domainVerifiedElsewhere(domain);
    const isVerified = !(await this.lifecycle.mustValidateDomains(tx, caller.instance.id, orgId));
    // Another org may have verified it since the check above.
    await this.insertDomain(
      tx,
      {
        instanceId: caller.instance.id,
        orgId,
        domain,
        isVerified,
        isPrimary: false,
        isGenerated: false,
        createdAt: now,
      },
      errors.domainVerifiedElsewhere,
    );
    const written = await this.push(tx, caller, orgId, [
      { type: 'org.domain.added', payload: { domain } },
      ...(isVerified ? [{ type: 'org.domain.verified', payload: { domain } }] : []),
    ]);
    if (isVerified) await this.lifecycle.people().claimUsernames(tx, caller, orgId, domain);
    return written;
  }

  private async insertOrg(tx: EntityManager, org: Org): Promise<void> {
    await underSavepoint(
      tx,
      () => tx.insert(Org, org),
      (err) => {
        if (isUniqueViolation(err, 'orgs_name')) return errors.orgNameTaken(org.name);
        if (isUniqueViolation(err, 'orgs_pkey')) return errors.orgIdTaken();
        return err;
      },
    );
  }

  /** Inserts a domain row; a domain another org has verified (the unique index) is answered with `taken`. */
  private async insertDomain(
    tx: EntityManager,
    domain: Omit<OrgDomain, 'validationType' | 'validationToken'> & Partial<OrgDomain>,
    taken: (domain: string) => Error = errors.generatedDomainTaken,
  ): Promise<void> {
    await underSavepoint(
      tx,
      () => tx.insert(OrgDomain, { validationType: null, validationToken: null, ...domain }),
      (err) => (isUniqueViolation(err, 'org_domains_verified') ? taken(domain.domain) : err),
    );
  }

  private async updateOrg(tx: EntityManager, caller: Caller, orgId: string, changes: Partial<Org>): Promise<void> {
    await tx.update(Org, { instanceId: caller.instance.id, id: orgId }, { ...changes, changedAt: new Date() });
  }

  /** Appends the org's events and moves its row's sequence to the last one. */
  private async push(
    tx: EntityManager,
    caller: Caller,
    orgId: string,
    events: { type: string; payload?: Record<string, unknown> }[],
  ): Promise<WrittenEvent> {
    const written = await this.events.push(
      tx,
      caller.instance.id,
      creatorOf(caller),
      events.map((e) => ({ aggregateType: 'org', aggregateId: orgId, resourceOwner: orgId, ...e })),
    );
    const last = written[written.length - 1];
    await tx.update(
      Org,
      { instanceId: caller.instance.id, id: orgId },
      { sequence: last.sequence.toString(), changedAt: last.createdAt },
    );
    return last;
  }

  private async addAdmins(
    tx: EntityManager,
    caller: Caller,
    orgId: string,
    specs: readonly AdminSpec[],
    humans: readonly unknown[],
  ): Promise<OrgAdminResult[]> {
    // ZITADEL: with no admins named, the creator becomes the org's owner.
    const admins: AdminSpec[] =
      specs.length === 0 && caller.principal
        ? [{ kind: 'existing', userId: caller.principal.userId, roles: DEFAULT_ADMIN_ROLES, field: 'admins' }]
        : [...specs];
    const results: OrgAdminResult[] = [];
    const people = this.lifecycle.people();
    for (const [i, admin] of admins.entries()) {
      const roles = admin.roles.length ? admin.roles : DEFAULT_ADMIN_ROLES;
      let result: OrgAdminResult;
      if (admin.kind === 'existing') {
        if (!(await people.exists(tx, caller.instance.id, admin.userId)))
          throw errors.adminUserNotFound(`${admin.field}.user_id`);
        result = { kind: 'assigned', userId: admin.userId };
      } else {
        const created = await people.addHuman(tx, caller, orgId, humans[i]);
        result = { kind: 'created', userId: created.userId, emailCode: created.emailCode };
      }
      await this.members.grant(
        tx,
        caller,
        { userId: result.userId, level: 'org', resourceId: orgId, resourceOwner: orgId, roles },
        `${admin.field}.roles`,
      );
      results.push(result);
    }
    return results;
  }
}
