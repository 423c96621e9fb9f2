import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { OrgPeople } from '../orgs/org-lifecycle.js';
import type { Caller } from '../platform/rpc/call-context.js';
import { newHumanUsername, usernameDomain } from './user-rules.js';
import { newHuman, type HumanRequest } from './users.mapper.js';
import { UsersService, type NewHumanUser } from './users.service.js';
import { UsernameClaims } from './username-claims.js';
import { UserStore } from './users.store.js';

/**
 * Users' part in an org's commands: the admins AddOrganization names, created or found in the
 * unit of work, the usernames' scope when the org's domain policy changes, and the usernames a
 * domain it verifies claims.
 */
@Injectable()
export class OrgAdminUsers implements OrgPeople {
  constructor(
    private readonly users: UsersService,
    private readonly store: UserStore,
    private readonly claims: UsernameClaims,
  ) {}

  /** The org API hands over the admin's AddHumanUserRequest message as it came in. */
  readHuman(request: unknown, field: string): NewHumanUser {
    return newHuman(request as HumanRequest, field);
  }

  usernameDomainOf(human: unknown): string | undefined {
    return usernameDomain(newHumanUsername(human as NewHumanUser));
  }

  exists(tx: EntityManager, instanceId: string, userId: string): Promise<boolean> {
    return this.store.exists(tx, instanceId, userId);
  }

  addHuman(tx: EntityManager, caller: Caller, orgId: string, human: unknown) {
    return this.users.addHuman(tx, caller, orgId, human as NewHumanUser);
  }

  rescopeUsernames(tx: EntityManager, caller: Caller, orgIds: readonly string[], perOrg: boolean): Promise<void> {
    return this.store.rescopeUsernames(tx, caller, orgIds, perOrg);
  }

  claimUsernames(tx: EntityManager, caller: Caller, orgId: string, domain: string): Promise<void> {
    return this.claims.claim(tx, caller, orgId, domain);
  }
}
