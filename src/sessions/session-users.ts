import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { UserLookups, type LoginUser } from '../users/user-lookups.queries.js';
import { LockoutCounters } from './lockout.store.js';

/** A user as the checks of a session need it: the users context's view plus the lockout counts. */
export interface CheckedUser extends LoginUser {
  /** Whether `user_lockouts` holds anything a successful check should reset. */
  readonly hasLockoutCounts: boolean;
}

/** Finds the user a session check names, by id or by login name, with its lockout counts. */
@Injectable()
export class SessionUsers {
  constructor(
    private readonly users: UserLookups,
    private readonly lockouts: LockoutCounters,
  ) {}

  async byId(db: EntityManager, instanceId: string, userId: string): Promise<CheckedUser | undefined> {
    return this.checked(db, instanceId, await this.users.forLogin(db, instanceId, { id: userId }));
  }

  async byLoginName(db: EntityManager, instanceId: string, loginName: string): Promise<CheckedUser | undefined> {
    return this.checked(db, instanceId, await this.users.forLogin(db, instanceId, { loginName }));
  }

  private async checked(
    db: EntityManager,
    instanceId: string,
    user: LoginUser | undefined,
  ): Promise<CheckedUser | undefined> {
    if (!user) return undefined;
    return { ...user, hasLockoutCounts: await this.lockouts.hasCounts(db, instanceId, user.id) };
  }
}
