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
  /** Whether the user exists in the instance (an existing user named as an admin). */
  exists(tx: EntityManager, instanceId: string, userId: string): Promise<boolean>;
  addHuman(
    tx: EntityManager,
    caller: Caller,
    orgId: string,
    human: unknown,
  ): Promise<{ readonly userId: string; readonly emailCode?: string }>;
}

/** Removes what a context keeps for an org that is being deleted, in the deleting transaction. */
export type OrgRemovalStep = (tx: EntityManager, instanceId: string, orgId: string) => Promise<void>;

/**
 * Whether the domain policy in force for the org (its own, else the instance's) asks for added
 * domains to be validated; read in the caller's transaction.
 */
export type OrgDomainValidationCheck = (tx: EntityManager, instanceId: string, orgId: string) => Promise<boolean>;

/** The contexts above orgs register here what an org's creation and removal need from them. */
@Injectable()
export class OrgLifecycle {
  private attached?: OrgPeople;
  private readonly removalSteps: OrgRemovalStep[] = [];
  private domainValidation?: OrgDomainValidationCheck;

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
