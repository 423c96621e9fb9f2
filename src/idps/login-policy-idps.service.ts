import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { authorize } from '../platform/authz/authorize.js';
import { Transactions } from '../platform/database/transactions.js';
import { EventStore } from '../platform/events/event-store.js';
import { creatorOf, type Caller } from '../platform/rpc/call-context.js';
import type { ChangeInfo } from '../platform/rpc/proto-mapping.js';
import { OrgQueries } from '../orgs/orgs.queries.js';
import { policyEvent } from './idp-templates.service.js';
import * as errors from './idps.errors.js';
import { IdpQueries, type LoginPolicyIdp } from './idps.queries.js';
import { IdpStore } from './idps.store.js';

/** Whose login policy: the instance's default (admin API) or an org's own (management API). */
export type PolicyScope = { readonly level: 'instance' } | { readonly level: 'org'; readonly orgId: string };

/** The filters of GetActiveIdentityProviders; absent ones do not filter. */
export interface ActiveIdpFilters {
  readonly creationAllowed?: boolean;
  readonly linkingAllowed?: boolean;
  readonly autoCreation?: boolean;
  /** True: providers that link automatically (by username or email); false: those that do not. */
  readonly autoLinking?: boolean;
}

/** ZITADEL's IdentityProviderType of a login policy entry: 1 the instance's provider, 2 the org's own. */
const PROVIDER_TYPE = { instance: 1, org: 2 } as const;

/**
 * The identity providers a login policy offers (ZITADEL's login policy IDP providers): listed,
 * added and removed on the instance's default policy or an org's own policy. An org without a
 * policy of its own uses the instance's, with its providers; adding to it needs the org's own
 * policy first (Errors.Org.LoginPolicy.NotFound). An org's policy may offer the instance's
 * providers and the org's own, never another org's.
 */
@Injectable()
export class LoginPolicyIdpsService {
  constructor(
    private readonly tx: Transactions,
    private readonly events: EventStore,
    private readonly store: IdpStore,
    private readonly queries: IdpQueries,
    private readonly orgs: OrgQueries,
  ) {}

  /** The providers on the policy in force: the org's own policy if it has one, else the instance's. */
  async list(caller: Caller, scope: PolicyScope): Promise<LoginPolicyIdp[]> {
    if (scope.level === 'instance') {
      authorize(caller, 'iam.policy.read', { instance: true }, () => errors.instanceDenied('iam.policy.read'));
      return this.queries.onLoginPolicy(this.tx.reader, caller.instance.id, null);
    }
    authorize(caller, 'policy.read', { orgId: scope.orgId }, errors.orgNotFound);
    if (!(await this.orgs.exists(this.tx.reader, caller.instance.id, scope.orgId))) throw errors.orgNotFound();
    const owner = await this.queries.policyOwner(this.tx.reader, caller.instance.id, scope.orgId);
    return this.queries.onLoginPolicy(this.tx.reader, caller.instance.id, owner);
  }

  /**
   * Puts a provider on the policy. `owner` says whose provider it is (management's owner_type):
   * the org's own, or else the instance's; one that does not exist there is FAILED_PRECONDITION
   * (ZITADEL's Errors.IDPConfig.NotExisting). `outer`: within the caller's transaction.
   */
  async add(
    caller: Caller,
    scope: PolicyScope,
    idpId: string,
    owner: 'instance' | 'org' = 'instance',
    outer?: EntityManager,
  ): Promise<ChangeInfo> {
    return this.tx.run(async (tx) => {
      const orgId = await this.policyForWrite(tx, caller, scope);
      const stored = await this.queries.get(tx, caller.instance.id, idpId);
      const wanted = owner === 'org' && orgId !== null ? orgId : null;
      if (!stored || stored.template.orgId !== wanted) throw errors.idpNotExisting();
      if (!(await this.store.addToLoginPolicy(tx, caller.instance.id, orgId, idpId, new Date()))) {
        throw errors.alreadyOnPolicy();
      }
      return this.push(tx, caller, orgId, 'idpprovider.added', {
        idpConfigId: idpId,
        idpProviderType: wanted === null ? PROVIDER_TYPE.instance : PROVIDER_TYPE.org,
      });
    }, outer);
  }

  async remove(caller: Caller, scope: PolicyScope, idpId: string): Promise<ChangeInfo> {
    return this.tx.run(async (tx) => {
      const orgId = await this.policyForWrite(tx, caller, scope);
      if (!(await this.store.removeFromLoginPolicy(tx, caller.instance.id, orgId, idpId))) throw errors.notOnPolicy();
      return this.push(tx, caller, orgId, 'idpprovider.removed', { idpConfigId: idpId });
    });
  }

  /**
   * GetActiveIdentityProviders: the active providers of the policy in force for the org (the
   * instance's when `orgId` is undefined), with their options, filtered as asked. The caller's
   * right to read that policy is checked by the settings service.
   */
  async active(instanceId: string, orgId: string | undefined, filters: ActiveIdpFilters): Promise<LoginPolicyIdp[]> {
    const all = await this.queries.activeForLogin(this.tx.reader, instanceId, orgId);
    return all.filter(
      ({ options: o }) =>
        (filters.creationAllowed === undefined || o.isCreationAllowed === filters.creationAllowed) &&
        (filters.linkingAllowed === undefined || o.isLinkingAllowed === filters.linkingAllowed) &&
        (filters.autoCreation === undefined || o.isAutoCreation === filters.autoCreation) &&
        (filters.autoLinking === undefined || (o.autoLinking !== 'none') === filters.autoLinking),
    );
  }

  /** The policy owner to write (null: the instance's), after the permission and existence checks. */
  private async policyForWrite(tx: EntityManager, caller: Caller, scope: PolicyScope): Promise<string | null> {
    if (scope.level === 'instance') {
      authorize(caller, 'iam.policy.write', { instance: true }, () => errors.instanceDenied('iam.policy.write'));
      return null;
    }
    authorize(caller, 'policy.write', { orgId: scope.orgId }, errors.orgNotFound, 'policy.read');
    if (!(await this.orgs.exists(tx, caller.instance.id, scope.orgId, 'share'))) throw errors.orgNotFound();
    if ((await this.queries.policyOwner(tx, caller.instance.id, scope.orgId)) !== scope.orgId) {
      throw errors.noCustomLoginPolicy();
    }
    return scope.orgId;
  }

  private async push(
    tx: EntityManager,
    caller: Caller,
    orgId: string | null,
    change: string,
    payload: Record<string, unknown>,
  ): Promise<ChangeInfo> {
    const [written] = await this.events.push(tx, caller.instance.id, creatorOf(caller), [
      policyEvent(caller, orgId, change, payload),
    ]);
    return { sequence: written.sequence, changeDate: written.createdAt, resourceOwner: written.resourceOwner };
  }
}
