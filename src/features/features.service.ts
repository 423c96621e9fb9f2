import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { authorize } from '../platform/authz/authorize.js';
import type { Permission } from '../platform/authz/permissions.js';
import { Transactions } from '../platform/database/transactions.js';
import { EventStore } from '../platform/events/event-store.js';
import { creatorOf, type Caller } from '../platform/rpc/call-context.js';
import { OrgQueries } from '../orgs/orgs.queries.js';
import { UserLookups } from '../users/user-lookups.queries.js';
import {
  FEATURE_KEYS,
  FLAGS_BY_LEVEL,
  changedFlags,
  loginBaseUriProblem,
  resolveFeatures,
  type FeatureLevel,
  type FeatureName,
  type FeatureValues,
  type ResolvedFeatures,
} from './feature-flags.js';
import * as errors from './features.errors.js';
import { FeaturesStore, type StoredLevel } from './features.store.js';

/** ZITADEL's object details of a feature change or read. */
export interface FeatureDetails {
  readonly sequence: bigint;
  readonly changeDate?: Date;
  readonly resourceOwner: string;
}

export interface FeaturesAnswer {
  readonly features: ResolvedFeatures;
  readonly details: FeatureDetails;
}

/** The aggregate of a stored level's events: ZITADEL's `feature` aggregate of the system or the instance. */
const AGGREGATE = 'feature';
const SYSTEM_AGGREGATE_ID = 'SYSTEM';

/** The stored level a change or read is about, and who makes the change (the events' creator). */
interface Target {
  readonly level: StoredLevel;
  /** `''` for the system, which belongs to no instance. */
  readonly instanceId: string;
  readonly creator: string;
}

const SYSTEM = { level: 'system', instanceId: '' } as const;

const instanceTarget = (caller: Caller): Target => ({
  level: 'instance',
  instanceId: caller.instance.id,
  creator: creatorOf(caller),
});

/** The resource owner of a level's details and events: the instance, or none for the system. */
const ownerOf = (target: Pick<Target, 'instanceId'>): string => target.instanceId;

function details(
  target: Pick<Target, 'instanceId'>,
  stored: { sequence: bigint; changedAt: Date } | undefined,
): FeatureDetails {
  return {
    sequence: stored?.sequence ?? 0n,
    ...(stored ? { changeDate: stored.changedAt } : {}),
    resourceOwner: ownerOf(target),
  };
}

/**
 * ZITADEL's FeatureService: flags set per level, each level inheriting what it does not set from
 * the one above (system, then instance). The pinned contract carries no flag at the organization
 * and user levels (ZITADEL leaves them unimplemented): their requests check the target and the
 * caller's permission on it, a set has nothing to set, and the answers name no flag.
 */
@Injectable()
export class FeaturesService {
  constructor(
    private readonly tx: Transactions,
    private readonly events: EventStore,
    private readonly store: FeaturesStore,
    private readonly orgs: OrgQueries,
    private readonly users: UserLookups,
  ) {}

  // ---- system -----------------------------------------------------------------------------

  /** ZITADEL's GetSystemFeatures (v2 lets any authenticated caller read them). */
  async getSystem(): Promise<FeaturesAnswer> {
    return this.read(SYSTEM, false);
  }

  /**
   * The pipeline has checked the system API user's `system.feature.write` (`systemUser` is its
   * name, recorded as the events' creator); system flags belong to no instance.
   */
  async setSystem(systemUser: string, values: FeatureValues): Promise<FeatureDetails> {
    return this.set({ ...SYSTEM, creator: systemUser }, values);
  }

  async resetSystem(systemUser: string): Promise<FeatureDetails> {
    return this.reset({ ...SYSTEM, creator: systemUser });
  }

  // ---- instance ---------------------------------------------------------------------------

  /** ZITADEL's GetInstanceFeatures: any authenticated caller of the instance may read them. */
  async getInstance(caller: Caller, inheritance: boolean): Promise<FeaturesAnswer> {
    return this.read(instanceTarget(caller), inheritance);
  }

  async setInstance(caller: Caller, values: FeatureValues): Promise<FeatureDetails> {
    this.mustHoldOnInstance(caller, 'iam.feature.write');
    return this.set(instanceTarget(caller), values);
  }

  async resetInstance(caller: Caller): Promise<FeatureDetails> {
    this.mustHoldOnInstance(caller, 'iam.feature.delete');
    return this.reset(instanceTarget(caller));
  }

  /**
   * Sets instance flags in a larger unit of work on the instance (its setup, with ZITADEL's
   * DefaultInstance.Features; the system API's SetInstanceFeature), `caller` the events' creator.
   */
  async setOnInstance(tx: EntityManager, caller: Caller, values: FeatureValues): Promise<FeatureDetails> {
    return this.set(instanceTarget(caller), values, tx);
  }

  // ---- organization and user --------------------------------------------------------------

  async getOrganization(caller: Caller, orgId: string): Promise<FeaturesAnswer> {
    await this.mustReachOrg(caller, orgId, 'org.feature.read');
    return this.below(orgId);
  }

  async setOrganization(caller: Caller, orgId: string, values: FeatureValues): Promise<FeatureDetails> {
    await this.mustReachOrg(caller, orgId, 'org.feature.write');
    return this.setBelow('organization', values);
  }

  async resetOrganization(caller: Caller, orgId: string): Promise<FeatureDetails> {
    await this.mustReachOrg(caller, orgId, 'org.feature.delete');
    return { sequence: 0n, resourceOwner: orgId };
  }

  async getUser(caller: Caller, userId: string): Promise<FeaturesAnswer> {
    const orgId = await this.mustReachUser(caller, userId, 'user.feature.read');
    return this.below(orgId);
  }

  async setUser(caller: Caller, userId: string, values: FeatureValues): Promise<FeatureDetails> {
    await this.mustReachUser(caller, userId, 'user.feature.write');
    return this.setBelow('user', values);
  }

  async resetUser(caller: Caller, userId: string): Promise<FeatureDetails> {
    const orgId = await this.mustReachUser(caller, userId, 'user.feature.delete');
    return { sequence: 0n, resourceOwner: orgId };
  }

  // ---- internals --------------------------------------------------------------------------

  private async read(target: Omit<Target, 'creator'>, inheritance: boolean): Promise<FeaturesAnswer> {
    const { level, instanceId } = target;
    const own = await this.store.read(level, instanceId);
    const above = level === 'instance' && inheritance ? await this.store.read('system', instanceId) : undefined;
    const features = resolveFeatures([
      ...(above ? [{ level: 'system' as const, values: above.values }] : []),
      { level, values: own?.values ?? {} },
    ]);
    return { features, details: details(target, own) };
  }

  /** Organizations and users carry no flags in the pinned contract: their answers name none. */
  private below(orgId: string): FeaturesAnswer {
    return { features: {}, details: { sequence: 0n, resourceOwner: orgId } };
  }

  /** A Set at a level whose contract names no flag: there is nothing it could change. */
  private setBelow(level: FeatureLevel, values: FeatureValues): never {
    this.validate(level, values);
    throw errors.noChanges();
  }

  /**
   * Writes the flags that change, one `feature.<level>.<key>.set` event each (ZITADEL's event
   * types), in the transaction that stores them; flags already at that value write nothing.
   */
  private async set(target: Target, values: FeatureValues, outer?: EntityManager): Promise<FeatureDetails> {
    const { level, instanceId } = target;
    this.validate(level, values);
    return this.tx.run(async (tx) => {
      await this.store.lock(tx, level, instanceId);
      const current = await this.store.read(level, instanceId, tx);
      const changed = changedFlags(current?.values ?? {}, values);
      const names = Object.keys(changed) as FeatureName[];
      if (!names.length) return details(target, current);
      const written = await this.push(
        tx,
        target,
        names.map((name) => ({
          type: `feature.${level}.${FEATURE_KEYS[name]}.set`,
          payload: { value: this.payload(changed, name) },
        })),
      );
      await this.store.write(tx, level, instanceId, { ...current?.values, ...changed }, written);
      return { sequence: written.sequence, changeDate: written.createdAt, resourceOwner: ownerOf(target) };
    }, outer);
  }

  /** Drops every flag of the level (ZITADEL's `feature.<level>.reset`): the level above shows through again. */
  private async reset(target: Target): Promise<FeatureDetails> {
    const { level, instanceId } = target;
    return this.tx.run(async (tx) => {
      await this.store.lock(tx, level, instanceId);
      const current = await this.store.read(level, instanceId, tx);
      if (!current) return details(target, undefined);
      const written = await this.push(tx, target, [{ type: `feature.${level}.reset`, payload: {} }]);
      await this.store.remove(tx, level, instanceId);
      return { sequence: written.sequence, changeDate: written.createdAt, resourceOwner: ownerOf(target) };
    });
  }

  private validate(level: FeatureLevel, values: FeatureValues): void {
    const given = (Object.keys(values) as FeatureName[]).filter((n) => values[n] !== undefined);
    if (!given.length || given.some((n) => !FLAGS_BY_LEVEL[level].includes(n))) throw errors.noChanges();
    const baseUri = values.loginV2?.baseUri;
    const problem = baseUri ? loginBaseUriProblem(baseUri) : undefined;
    if (problem) throw errors.invalidLoginBaseUri(problem);
  }

  private payload(values: FeatureValues, name: FeatureName): unknown {
    const value = values[name];
    if (name !== 'loginV2' || !value) return value;
    const login = value as NonNullable<FeatureValues['loginV2']>;
    return { required: login.required, base_uri: login.baseUri ?? null };
  }

  private async push(
    tx: EntityManager,
    target: Target,
    events: { type: string; payload: Record<string, unknown> }[],
  ): Promise<{ sequence: bigint; createdAt: Date }> {
    // System events belong to no instance, as ZITADEL's system feature aggregate.
    const aggregateId = target.level === 'system' ? SYSTEM_AGGREGATE_ID : target.instanceId;
    const written = await this.events.push(
      tx,
      target.instanceId,
      target.creator,
      events.map((e) => ({ aggregateType: AGGREGATE, aggregateId, resourceOwner: ownerOf(target), ...e })),
    );
    return written[written.length - 1];
  }

  private mustHoldOnInstance(caller: Caller, permission: Permission): void {
    authorize(caller, permission, { instance: true }, () => errors.instanceFeaturesDenied(permission));
  }

  private async mustReachOrg(caller: Caller, orgId: string, permission: Permission): Promise<void> {
    authorize(caller, permission, { orgId }, errors.orgNotFound, 'org.feature.read');
    if (!(await this.orgs.exists(this.tx.reader, caller.instance.id, orgId))) throw errors.orgNotFound();
  }

  /** The user's org, when the caller may act on the user; NOT_FOUND alike otherwise. */
  private async mustReachUser(caller: Caller, userId: string, permission: Permission): Promise<string> {
    const standing = await this.users.standing(caller.instance.id, userId);
    if (!standing) throw errors.userNotFound();
    authorize(caller, permission, { orgId: standing.resourceOwner }, errors.userNotFound, 'user.feature.read');
    return standing.resourceOwner;
  }
}
