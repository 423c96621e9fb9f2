import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Caller } from '../platform/rpc/call-context.js';

/**
 * What the users context does for an org's commands. Orgs sits below users (users asks orgs
 * whether an org is active), so users hands this in at boot instead of orgs importing it.
 */
export interface OrgPeople {
  /**
   * Checks an admin's AddHumanUserRequest before anything is written and answers what
   * `addHuman` takes; the request and the result are users' own shapes, opaque to orgs.
   */
  readHuman(request: unknown, field: string): unknown;
  /** The domain the username of a human `readHuman` answered ends in, which `addHuman` takes turns on. */
  usernameDomainOf(human: unknown): string | undefined;
  /** Whether the user exists in the instance (an existing user named as an admin). */
  exists(tx: EntityManager, instanceId: string, userId: string): Promise<boolean>;
  addHuman(
    tx: EntityManager,
    caller: Caller,
    orgId: string,
    human: unknown,
  ): Promise<{ readonly userId: string; readonly emailCode?: string }>;
  /**
   * Moves the orgs' users to the username scope the orgs' new policy gives them, renaming them so
   * their login names stay, in the caller's transaction; a username that would be held twice
   * fails the change (AlreadyExists).
   */
  rescopeUsernames(tx: EntityManager, caller: Caller, orgIds: readonly string[], perOrg: boolean): Promise<void>;
  /**
   * The org has just verified the domain (in the caller's transaction): the users of other orgs
   * whose login names end with `@<domain>` lose them to it.
   */
  claimUsernames(tx: EntityManager, caller: Caller, orgId: string, domain: string): Promise<void>;
}

/** Removes what a context keeps for an org that is being deleted, in the deleting transaction. */
export type OrgRemovalStep = (tx: EntityManager, instanceId: string, orgId: string) => Promise<void>;

/**
 * Whether the domain policy in force for the org (its own, else the instance's) asks for added
 * domains to be validated; read in the caller's transaction.
 */
export type OrgDomainValidationCheck = (tx: EntityManager, instanceId: string, orgId: string) => Promise<boolean>;

/**
 * Whether the instance's domain policy makes a new org's usernames unique per org: read in the
 * creating transaction and held there against a change of that policy until it commits.
 */
export type NewOrgUsernameScope = (tx: EntityManager, instanceId: string) => Promise<boolean>;

/** The contexts above orgs register here what an org's creation and removal need from them. */
@Injectable()
export class OrgLifecycle {
  private attached?: OrgPeople;
  private readonly removalSteps: OrgRemovalStep[] = [];
  private domainValidation?: OrgDomainValidationCheck;
  private usernameScope?: NewOrgUsernameScope;

  attachPeople(people: OrgPeople): void {
    this.attached = people;
  }

  attachDomainValidationCheck(check: OrgDomainValidationCheck): void {
    this.domainValidation = check;
  }

  /** Without a settings context attached, domains must be validated: ZITADEL's default domain policy. */
  mustValidateDomains(tx: EntityManager, instanceId: string, orgId: string): Promise<boolean> {
    return this.domainValidation ? this.domainValidation(tx, instanceId, orgId) : Promise.resolve(true);
  }

  attachUsernameScope(scope: NewOrgUsernameScope): void {
    this.usernameScope = scope;
  }

  /** Without a settings context attached, usernames are unique in the instance: ZITADEL's default domain policy. */
  newOrgUsernamesPerOrg(tx: EntityManager, instanceId: string): Promise<boolean> {
    return this.usernameScope ? this.usernameScope(tx, instanceId) : Promise.resolve(false);
  }

  onRemoval(step: OrgRemovalStep): void {
    this.removalSteps.push(step);
  }

  people(): OrgPeople {
    if (!this.attached) throw new Error('no users module attached to the org lifecycle');
    return this.attached;
  }

  async removeAll(tx: EntityManager, instanceId: string, orgId: string): Promise<void> {
    for (const step of this.removalSteps) await step(tx, instanceId, orgId);
  }
}
