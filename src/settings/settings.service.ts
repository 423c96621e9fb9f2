import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { authorize } from '../platform/authz/authorize.js';
import { Config } from '../platform/config/config.js';
import { loginBaseUrl } from '../platform/config/login-ui-url.js';
import { hasPermission, type Permission } from '../platform/authz/permissions.js';
import { isUniqueViolation, underSavepoint } from '../platform/database/pg-errors.js';
import { Transactions } from '../platform/database/transactions.js';
import { EventStore, type WrittenEvent } from '../platform/events/event-store.js';
import { creatorOf, type Caller } from '../platform/rpc/call-context.js';
import { OrgLifecycle } from '../orgs/org-lifecycle.js';
import { OrgQueries } from '../orgs/orgs.queries.js';
import { IdpStore } from '../idps/idps.store.js';
import { IdpQueries, type LoginPolicyIdp } from '../idps/idps.queries.js';
import { LoginPolicyIdpsService } from '../idps/login-policy-idps.service.js';
import {
  ORG_POLICY_KINDS,
  Policies,
  type DomainSettings,
  withDefaults,
  type LegalSettings,
  type LoginSettings,
  type PolicySource,
  type PolicyBodies,
  type PolicyKind,
  type ResolvedPolicy,
  type SecuritySettings,
} from './policies.queries.js';
import { SettingsPolicy, type PolicyOwnerType } from './settings-policy.entity.js';
import { policyProblems, samePolicy, withServedLegalPages } from './settings-rules.js';
import * as errors from './settings.errors.js';
import { holdTransactionLock } from '../platform/database/transaction-locks.js';

/** Sequence, time and owner of a change, for the responses' details. */
export interface ChangeDetails {
  readonly sequence: bigint;
  readonly changeDate: Date;
  readonly resourceOwner: string;
  readonly creationDate?: Date;
}

/**
 * Whose policy a read asks for: the caller's own org (ZITADEL's default when no context is
 * given), the instance default, or a named org.
 */
export type ReadTarget =
  | { readonly kind: 'own' }
  | { readonly kind: 'instance' }
  | { readonly kind: 'org'; readonly orgId: string };

/** Hosted login translations live on the system (built in), the instance or an org. */
export type TranslationLevel =
  | { readonly kind: 'system' }
  | { readonly kind: 'instance' }
  | { readonly kind: 'org'; readonly orgId: string };

/** The name of each kind in ZITADEL's event types, e.g. `org.policy.password.complexity.added`. */
const EVENT_NAMES: { readonly [K in PolicyKind]: string } = {
  login: 'policy.login',
  password_complexity: 'policy.password.complexity',
  password_age: 'policy.password.age',
  lockout: 'policy.lockout',
  domain: 'policy.domain',
  label: 'policy.label',
  label_active: 'policy.label',
  privacy: 'policy.privacy',
  notification: 'policy.notification',
  security: 'security.policy',
  general: 'default.language',
  oidc: 'oidc.settings',
};

/** How errors name each kind. */
const KIND_NAMES: { readonly [K in PolicyKind]: string } = {
  login: 'login',
  password_complexity: 'password complexity',
  password_age: 'password age',
  lockout: 'lockout',
  domain: 'domain',
  label: 'label',
  label_active: 'label',
  privacy: 'privacy',
  notification: 'notification',
  security: 'security',
  general: 'general',
  oidc: 'OIDC',
};

/**
 * What reading and changing an instance default takes: the policy permissions, but IAM's for OIDC
 * and the default language (as ZITADEL's admin API).
 */
const INSTANCE_PERMISSIONS: { readonly [K in PolicyKind]?: { readonly read: Permission; readonly write: Permission } } =
  {
    oidc: { read: 'iam.read', write: 'iam.write' },
    general: { read: 'iam.read', write: 'iam.write' },
  };
const POLICY_PERMISSIONS = { read: 'iam.policy.read', write: 'iam.policy.write' } as const;

/** An event of a free-form row, its type without the owner's prefix (`customtext.set`). */
export interface OwnedRowEvent {
  readonly type: string;
  readonly payload: Record<string, unknown>;
}

interface Owner {
  readonly type: PolicyOwnerType;
  readonly id: string;
}

/** The details of a stored row: the event that last changed it. */
export function rowDetails(row: SettingsPolicy): ChangeDetails {
  return {
    sequence: BigInt(row.sequence),
    changeDate: row.changedAt,
    creationDate: row.createdAt,
    resourceOwner: row.owner,
  };
}

function details(event: WrittenEvent, creationDate?: Date): ChangeDetails {
  return { sequence: event.sequence, changeDate: event.createdAt, resourceOwner: event.resourceOwner, creationDate };
}

/**
 * Commands and queries of policies: instance defaults (instance permissions), org overrides
 * (`policy.*` on the org), the label policy's preview/active states, security settings and
 * the free-form rows of an owner (translations, message texts). Every change appends its audit
 * event in the same transaction.
 */
@Injectable()
export class SettingsService {
  constructor(
    private readonly tx: Transactions,
    private readonly events: EventStore,
    private readonly policies: Policies,
    private readonly config: Config,
    private readonly orgs: OrgQueries,
    private readonly idps: IdpStore,
    private readonly idpQueries: IdpQueries,
    private readonly loginPolicyIdpsService: LoginPolicyIdpsService,
    private readonly orgLifecycle: OrgLifecycle,
  ) {}

  /** An org's own policies go with the org; the instance defaults are untouched. */
  async removeOrgPolicies(tx: EntityManager, instanceId: string, orgId: string): Promise<void> {
    await tx.query(`DELETE FROM settings_policies WHERE instance_id = $1 AND owner_type = 'org' AND owner = $2`, [
      instanceId,
      orgId,
    ]);
  }

  // ---- queries ----------------------------------------------------------------------------

  /**
   * The policy in force for the target. Any authenticated caller reads the instance default and
   * its own org's; another org's needs `policy.read` on it (ZITADEL, issue 5465).
   */
  async read<K extends PolicyKind>(
    caller: Caller,
    kind: K,
    target: ReadTarget,
  ): Promise<ResolvedPolicy<PolicyBodies[K]>> {
    switch (target.kind) {
      case 'instance':
        return this.policies.resolve(kind, caller.instance.id);
      case 'own':
        return this.policies.resolve(kind, caller.instance.id, caller.principal?.orgId);
      case 'org':
        await this.checkOrgRead(caller, target.orgId);
        return this.policies.resolve(kind, caller.instance.id, target.orgId);
    }
  }

  /**
   * GetLegalAndSupportSettings: the privacy policy in force, an empty terms or privacy link being
   * the hosted login's page on the origin the caller reached (see withServedLegalPages).
   */
  async legalAndSupport(caller: Caller, target: ReadTarget): Promise<ResolvedPolicy<LegalSettings>> {
    const resolved = await this.read(caller, 'privacy', target);
    const origin = caller.origin ?? new URL(this.config.externalUrl).origin;
    return {
      ...resolved,
      settings: withServedLegalPages(resolved.settings, loginBaseUrl(this.config.loginUiUrl, origin)),
    };
  }

  /** The instance default for instance administrators (admin v1): `iam.policy.read` on the instance. */
  async readInstancePolicy<K extends PolicyKind>(caller: Caller, kind: K): Promise<ResolvedPolicy<PolicyBodies[K]>> {
    this.requireInstance(caller, (INSTANCE_PERMISSIONS[kind] ?? POLICY_PERMISSIONS).read);
    return this.policies.resolve(kind, caller.instance.id);
  }

  /** The instance default, which every authenticated caller may read (v2, management's GetDefault…). */
  async instanceDefault<K extends PolicyKind>(caller: Caller, kind: K): Promise<ResolvedPolicy<PolicyBodies[K]>> {
    return this.policies.resolve(kind, caller.instance.id);
  }

  // ---- instance defaults ------------------------------------------------------------------

  /**
   * Changes the instance default. The instance always has every policy (ZITADEL adds them at
   * set-up), so this is `…changed`; `add` (AddNotificationPolicy) refuses a stored one instead.
   */
  async setInstancePolicy<K extends PolicyKind>(
    caller: Caller,
    kind: K,
    change: (current: PolicyBodies[K]) => PolicyBodies[K],
    options: { add?: boolean; refuseUnchanged?: boolean; outer?: EntityManager } = {},
  ): Promise<ChangeDetails> {
    this.requireInstance(caller, (INSTANCE_PERMISSIONS[kind] ?? POLICY_PERMISSIONS).write);
    const owner: Owner = { type: 'instance', id: caller.instance.id };
    return this.tx.run(async (tx) => {
      if (kind === 'domain') await holdDomainPolicies(tx, caller.instance.id, 'change');
      const stored = await this.own(tx, caller, kind, owner);
      if (options.add && stored) throw errors.defaultPolicyExists(KIND_NAMES[kind]);
      const current = withDefaults(kind, stored?.body);
      const next = this.validated(kind, change(current));
      if (options.refuseUnchanged && samePolicy(current, next)) throw errors.policyUnchanged(KIND_NAMES[kind]);
      const type = kind === 'security' || kind === 'general' ? 'set' : options.add ? 'added' : 'changed';
      const changed = await this.store(tx, caller, kind, owner, next, `instance.${EVENT_NAMES[kind]}.${type}`, stored);
      if (kind === 'domain') await this.usernamesFollow(tx, caller, null, next as DomainSettings);
      return changed;
    }, options.outer);
  }

  async setSecuritySettings(caller: Caller, settings: SecuritySettings): Promise<ChangeDetails> {
    return this.setInstancePolicy(caller, 'security', () => settings);
  }

  // ---- org overrides ----------------------------------------------------------------------

  /**
   * Gives the org its own policy, built from the instance default it inherits so far (fields the
   * request lacks keep the inherited values): AlreadyExists when it has one.
   */
  async addOrgPolicy<K extends PolicyKind>(
    caller: Caller,
    orgId: string,
    kind: K,
    build: (inherited: PolicyBodies[K]) => PolicyBodies[K],
    then?: (tx: EntityManager) => Promise<unknown>,
  ): Promise<ChangeDetails> {
    this.assertOrgKind(kind);
    return this.tx.run(async (tx) => {
      if (kind === 'domain') await holdDomainPolicies(tx, caller.instance.id, 'change');
      const owner = await this.orgForWrite(tx, caller, orgId, 'policy.write');
      if (await this.own(tx, caller, kind, owner)) throw errors.customPolicyExists(KIND_NAMES[kind]);
      const inherited = await this.policies.resolve(kind, caller.instance.id, undefined, tx);
      const next = this.validated(kind, build(inherited.settings));
      const added = await this.store(tx, caller, kind, owner, next, `org.${EVENT_NAMES[kind]}.added`, null, 'insert');
      if (kind === 'domain') await this.usernamesFollow(tx, caller, orgId, next as DomainSettings);
      await then?.(tx);
      return added;
    });
  }

  /**
   * AddCustomLoginPolicy: the org's own login policy with the identity providers it offers, in
   * one transaction (ZITADEL's AddLoginPolicy adds each of its IDPProviders).
   */
  async addOrgLoginPolicy(
    caller: Caller,
    orgId: string,
    build: (inherited: LoginSettings) => LoginSettings,
    idps: readonly { readonly idpId: string; readonly owner: 'instance' | 'org' }[],
  ): Promise<ChangeDetails> {
    return this.addOrgPolicy(caller, orgId, 'login', build, async (tx) => {
      for (const idp of idps)
        await this.loginPolicyIdpsService.add(caller, { level: 'org', orgId }, idp.idpId, idp.owner, tx);
    });
  }

  /** The identity providers on the login policy a read resolved to (its reader was authorized with it). */
  async loginPolicyIdps(caller: Caller, source: PolicySource): Promise<LoginPolicyIdp[]> {
    const orgId = source.ownerType === 'org' ? source.owner : null;
    return this.idpQueries.onLoginPolicy(this.tx.reader, caller.instance.id, orgId);
  }

  /** Changes the org's own policy: NotFound while it uses the instance default. */
  async updateOrgPolicy<K extends PolicyKind>(
    caller: Caller,
    orgId: string,
    kind: K,
    change: (current: PolicyBodies[K]) => PolicyBodies[K],
  ): Promise<ChangeDetails> {
    this.assertOrgKind(kind);
    return this.tx.run(async (tx) => {
      if (kind === 'domain') await holdDomainPolicies(tx, caller.instance.id, 'change');
      const owner = await this.orgForWrite(tx, caller, orgId, 'policy.write');
      const stored = await this.own(tx, caller, kind, owner);
      if (!stored) throw errors.customPolicyNotFound(KIND_NAMES[kind]);
      const current = withDefaults(kind, stored.body);
      const next = this.validated(kind, change(current));
      if (samePolicy(current, next)) throw errors.policyUnchanged(KIND_NAMES[kind]);
      const changed = await this.store(tx, caller, kind, owner, next, `org.${EVENT_NAMES[kind]}.changed`, stored);
      if (kind === 'domain') await this.usernamesFollow(tx, caller, orgId, next as DomainSettings);
      return changed;
    });
  }

  /** Back to the instance default: removes the org's own policy (both label states for `label`). */
  async resetOrgPolicy(caller: Caller, orgId: string, kind: PolicyKind): Promise<ChangeDetails> {
    this.assertOrgKind(kind);
    const kinds = kind === 'label' || kind === 'label_active' ? ['label', 'label_active'] : [kind];
    return this.tx.run(async (tx) => {
      if (kind === 'domain') await holdDomainPolicies(tx, caller.instance.id, 'change');
      const owner = await this.orgForWrite(tx, caller, orgId, 'policy.delete');
      const removed = await tx
        .createQueryBuilder()
        .delete()
        .from(SettingsPolicy)
        .where('instance_id = :i AND owner = :o AND kind IN (:...kinds)', { i: caller.instance.id, o: owner.id, kinds })
        .execute();
      if (!removed.affected) throw errors.customPolicyNotFound(KIND_NAMES[kind]);
      // ZITADEL: the org's login policy goes with the providers it offered; the instance's apply again.
      if (kind === 'login') await this.idps.clearOrgLoginPolicy(tx, caller.instance.id, owner.id);
      if (kind === 'domain') {
        const inherited = await this.policies.resolve('domain', caller.instance.id, undefined, tx);
        await this.usernamesFollow(tx, caller, orgId, inherited.settings);
      }
      return details(await this.push(tx, caller, owner, `org.${EVENT_NAMES[kind]}.removed`, {}));
    });
  }

  /**
   * ZITADEL's label policy has two states: changes write the preview, activation makes the
   * preview the one in force. Without `orgId`, the instance default's.
   */
  async activateLabelPolicy(caller: Caller, orgId?: string): Promise<ChangeDetails> {
    if (orgId === undefined) this.requireInstance(caller, 'iam.policy.write');
    return this.tx.run(async (tx) => {
      const owner: Owner =
        orgId === undefined
          ? { type: 'instance', id: caller.instance.id }
          : await this.orgForWrite(tx, caller, orgId, 'policy.write');
      const preview = await this.own(tx, caller, 'label', owner);
      if (!preview && owner.type === 'org') throw errors.customPolicyNotFound('label');
      const active = await this.own(tx, caller, 'label_active', owner);
      return this.store(
        tx,
        caller,
        'label_active',
        owner,
        withDefaults('label', preview?.body),
        `${owner.type}.policy.label.activated`,
        active,
      );
    });
  }

  // ---- free-form rows of an owner (translations, custom message texts) ------------------------------------

  /** The rows of these kinds stored by these owners (instance id or org ids) of the caller's instance. */
  async ownedRows(instanceId: string, kinds: readonly string[], owners: readonly string[], db?: EntityManager) {
    if (!kinds.length || !owners.length) return [];
    return (db ?? this.tx.reader)
      .getRepository(SettingsPolicy)
      .createQueryBuilder('p')
      .where('p.instance_id = :i AND p.kind IN (:...kinds) AND p.owner IN (:...owners)', {
        i: instanceId,
        kinds,
        owners,
      })
      .getMany();
  }

  /** Checks `policy.read` on an org of the instance (own org or permitted), same answer for missing and hidden. */
  async checkOrgReadable(caller: Caller, orgId: string): Promise<void> {
    await this.checkOrgRead(caller, orgId);
  }

  /** Reading an instance-level row takes the instance permission. */
  requireInstanceRead(caller: Caller): void {
    this.requireInstance(caller, POLICY_PERMISSIONS.read);
  }

  /**
   * Writes (`body`) or removes (`body` undefined) the owner's row of a free-form kind, its event
   * appended first in the same transaction; removing a row that is not there calls `missing`.
   */
  putOwnedRow(
    caller: Caller,
    level: Exclude<TranslationLevel, { kind: 'system' }>,
    kind: string,
    body: Record<string, unknown> | undefined,
    event: OwnedRowEvent,
    missing: () => Error,
  ): Promise<ChangeDetails> {
    return this.changeOwnedRow(caller, level, kind, body ? 'write' : 'delete', (stored) => {
      if (!body && !stored) throw missing();
      return { body, events: [event] };
    });
  }

  /**
   * Replaces the owner's row of a free-form kind by what `change` makes of the stored body (held
   * locked), its events appended in the same transaction: a `body` undefined removes the row, no
   * events leave it as it is.
   */
  async changeOwnedRow(
    caller: Caller,
    level: Exclude<TranslationLevel, { kind: 'system' }>,
    kind: string,
    permission: 'write' | 'delete',
    change: (stored: Record<string, unknown> | undefined) => {
      body: Record<string, unknown> | undefined;
      events: readonly OwnedRowEvent[];
    },
  ): Promise<ChangeDetails> {
    if (level.kind === 'instance') this.requireInstance(caller, `iam.policy.${permission}`);
    return this.tx.run(async (tx) => {
      const owner: Owner =
        level.kind === 'instance'
          ? { type: 'instance', id: caller.instance.id }
          : await this.orgForWrite(tx, caller, level.orgId, `policy.${permission}`);
      const stored = await this.own(tx, caller, kind, owner);
      const { body, events } = change(stored?.body);
      if (!events.length)
        return stored ? rowDetails(stored) : { sequence: 0n, changeDate: new Date(), resourceOwner: owner.id };
      const pushed = await this.events.push(
        tx,
        caller.instance.id,
        creatorOf(caller),
        events.map((e) => ({
          aggregateType: owner.type,
          aggregateId: owner.id,
          type: `${owner.type}.${e.type}`,
          payload: e.payload,
          resourceOwner: owner.id,
        })),
      );
      const written = pushed[pushed.length - 1];
      if (body) await this.upsert(tx, caller, kind, owner, body, written);
      else await tx.getRepository(SettingsPolicy).delete({ instanceId: caller.instance.id, kind, owner: owner.id });
      return details(written, stored?.createdAt ?? written.createdAt);
    });
  }

  /**
   * Whether a new org's usernames are unique per org (the instance's domain policy), read in its
   * creating transaction after taking the instance's domain policies shared: a change of the
   * instance's policy, which rewrites every inheriting org, cannot miss the org being created.
   */
  async newOrgUsernamesPerOrg(tx: EntityManager, instanceId: string): Promise<boolean> {
    await holdDomainPolicies(tx, instanceId, 'read');
    return (await this.policies.resolve('domain', instanceId, undefined, tx)).settings.userLoginMustBeDomain;
  }

  // ---- internals --------------------------------------------------------------------------

  /**
   * ZITADEL renames every affected user and moves its username unique constraint when a domain
   * policy changes `userLoginMustBeDomain` (and the change fails when two would clash): the orgs
   * now under `policy` (the org whose own policy changed, or for the instance's, every org without
   * its own) take its username scope, then their users do, in the policy change's transaction.
   */
  private async usernamesFollow(
    tx: EntityManager,
    caller: Caller,
    orgId: string | null,
    policy: DomainSettings,
  ): Promise<void> {
    const instanceId = caller.instance.id;
    const perOrg = policy.userLoginMustBeDomain;
    const orgs =
      orgId !== null
        ? { only: orgId }
        : {
            except: (
              (await tx.query(
                `SELECT owner FROM settings_policies WHERE instance_id = $1 AND kind = 'domain' AND owner_type = 'org'`,
                [instanceId],
              )) as { owner: string }[]
            ).map((p) => p.owner),
          };
    const changed = await this.orgs.setUsernamesPerOrg(tx, instanceId, orgs, perOrg);
    if (changed.length) await this.orgLifecycle.people().rescopeUsernames(tx, caller, changed, perOrg);
  }

  private validated<K extends PolicyKind>(kind: K, body: PolicyBodies[K]): PolicyBodies[K] {
    const problems = policyProblems(kind, body);
    if (problems.length) throw errors.invalidPolicy(KIND_NAMES[kind], problems);
    return body;
  }

  private assertOrgKind(kind: PolicyKind): void {
    if (!ORG_POLICY_KINDS.includes(kind)) throw new Error(`${kind} policies exist only on the instance`);
  }

  /** Instance-wide permissions come only from instance memberships, never from an org's. */
  private requireInstance(caller: Caller, permission: Permission): void {
    if (caller.system) return;
    const grants = (caller.principal?.grants ?? []).filter((g) => g.level === 'instance');
    if (!hasPermission(grants, caller.instance.id, permission)) throw errors.instancePolicyDenied(permission);
  }

  /** Another org's policies need `policy.read` there; the same answer for missing and hidden orgs. */
  private async checkOrgRead(caller: Caller, orgId: string): Promise<void> {
    if (orgId !== caller.principal?.orgId) authorize(caller, 'policy.read', { orgId }, errors.orgNotFound);
    if (!(await this.orgs.exists(this.tx.reader, caller.instance.id, orgId))) throw errors.orgNotFound();
  }

  /**
   * Checks the permission on the org and holds a share lock on its row until commit, so the org
   * cannot be deleted under a policy being written for it.
   */
  private async orgForWrite(tx: EntityManager, caller: Caller, orgId: string, permission: Permission): Promise<Owner> {
    authorize(caller, permission, { orgId }, errors.orgNotFound, 'policy.read');
    if (!(await this.orgs.exists(tx, caller.instance.id, orgId, 'share'))) throw errors.orgNotFound();
    return { type: 'org', id: orgId };
  }

  private own(tx: EntityManager, caller: Caller, kind: string, owner: Owner): Promise<SettingsPolicy | null> {
    return tx
      .getRepository(SettingsPolicy)
      .createQueryBuilder('p')
      .where('p.instance_id = :i AND p.kind = :kind AND p.owner = :owner', {
        i: caller.instance.id,
        kind,
        owner: owner.id,
      })
      .setLock('pessimistic_write')
      .getOne();
  }

  /** Appends the event, then writes the row: `insert` for a new override, `upsert` otherwise. */
  private async store<K extends PolicyKind>(
    tx: EntityManager,
    caller: Caller,
    kind: K,
    owner: Owner,
    body: PolicyBodies[K],
    eventType: string,
    stored: SettingsPolicy | null,
    mode: 'insert' | 'upsert' = 'upsert',
  ): Promise<ChangeDetails> {
    const payload = body as unknown as Record<string, unknown>;
    const written = await this.push(tx, caller, owner, eventType, payload);
    await this.upsert(tx, caller, kind, owner, payload, written, mode === 'insert');
    return details(written, stored?.createdAt ?? written.createdAt);
  }

  /** Insert or replace the row; `insertOnly` turns a concurrent add into AlreadyExists. */
  private async upsert(
    tx: EntityManager,
    caller: Caller,
    kind: string,
    owner: Owner,
    body: Record<string, unknown>,
    written: WrittenEvent,
    insertOnly = false,
  ) {
    const sql = `INSERT INTO settings_policies (instance_id, kind, owner, owner_type, body, sequence, created_at, changed_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $7)`;
    const params = [
      caller.instance.id,
      kind,
      owner.id,
      owner.type,
      JSON.stringify(body),
      written.sequence.toString(),
      written.createdAt,
    ];
    if (insertOnly) {
      await underSavepoint(
        tx,
        () => tx.query(sql, params),
        (err) => (isUniqueViolation(err) ? errors.customPolicyExists(kind.replace(/_/g, ' ')) : err),
      );
      return;
    }
    await tx.query(
      `${sql} ON CONFLICT (instance_id, kind, owner) DO UPDATE SET body = EXCLUDED.body, sequence = EXCLUDED.sequence, changed_at = EXCLUDED.changed_at`,
      params,
    );
  }

  private async push(
    tx: EntityManager,
    caller: Caller,
    owner: Owner,
    type: string,
    payload: Record<string, unknown>,
  ): Promise<WrittenEvent> {
    const [written] = await this.events.push(tx, caller.instance.id, creatorOf(caller), [
      { aggregateType: owner.type, aggregateId: owner.id, type, payload, resourceOwner: owner.id },
    ]);
    return written;
  }
}

/**
 * Domain policy changes of an instance take turns (`change`), and an org being created reads the
 * instance's policy (`read`) while none runs: which orgs inherit the instance's policy, and with
 * it their usernames' scope, is then read in a snapshot no concurrent change can make stale. A
 * statement of its own, so the reads after it see every change that held it before.
 */
async function holdDomainPolicies(tx: EntityManager, instanceId: string, mode: 'change' | 'read'): Promise<void> {
  await holdTransactionLock(tx, domainPoliciesLockKey(instanceId), mode === 'read' ? 'shared' : 'exclusive');
}

/** The advisory lock key holdDomainPolicies takes turns on. */
export function domainPoliciesLockKey(instanceId: string): string {
  return `${instanceId}/domain-policy`;
}
