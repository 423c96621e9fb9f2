import { Injectable } from '@nestjs/common';
import { OrgQueries } from '../orgs/orgs.queries.js';
import type { TokenStrategy, TokenSubject } from '../platform/auth/authenticator.js';
import { ChangeFeed } from '../platform/cache/change-feed.js';
import type { ReadCache } from '../platform/cache/read-cache.js';
import { hashToken } from '../platform/crypto/master-key.js';
import { Unauthenticated } from '../platform/errors/domain-error.js';
import type { Instance } from '../platform/tenancy/instance.entity.js';
import { UserLookups } from './user-lookups.queries.js';

interface PatRow {
  readonly id: string;
  readonly userId: string;
  readonly resourceOwner: string;
  readonly expiresAt: number;
  readonly createdAt: number;
  readonly userActive: boolean;
  readonly orgActive: boolean;
}

/**
 * Personal access tokens: looked up by hash, valid while unexpired and while the user and its
 * org are active. Any other bearer token is left to the next strategy. Known tokens are cached
 * by hash (the change feed drops them when a token, user or org changes); unknown ones are not.
 */
@Injectable()
export class PatStrategy implements TokenStrategy {
  readonly name = 'pat';
  private readonly cache: ReadCache<PatRow | undefined>;

  constructor(
    private readonly users: UserLookups,
    private readonly orgs: OrgQueries,
    feed: ChangeFeed,
  ) {
    this.cache = feed.cache({ name: 'personal_access_tokens', keepFor: (row) => (row ? Infinity : 0) });
  }

  async authenticate(token: string, instance: Instance): Promise<TokenSubject | undefined> {
    const row = await this.find(instance.id, token);
    if (!row) return undefined;
    if (row.expiresAt <= Date.now()) throw Unauthenticated('AUTH-p4t3x', 'the token has expired');
    if (!row.userActive || !row.orgActive) {
      throw Unauthenticated('AUTH-p4t5t', 'the token belongs to a user or organization that is not active');
    }
    return { userId: row.userId, orgId: row.resourceOwner, method: 'pat' };
  }

  /**
   * A PAT as token introspection shows it (RFC 7662): the token while it authenticates, else
   * undefined (unknown, expired, or its user or org not active).
   */
  async introspect(
    instanceId: string,
    token: string,
  ): Promise<{ id: string; userId: string; createdAt: Date; expiresAt: Date } | undefined> {
    const row = await this.find(instanceId, token);
    if (!row || row.expiresAt <= Date.now() || !row.userActive || !row.orgActive) return undefined;
    return { id: row.id, userId: row.userId, createdAt: new Date(row.createdAt), expiresAt: new Date(row.expiresAt) };
  }

  private find(instanceId: string, token: string): Promise<PatRow | undefined> {
    const tokenHash = hashToken(token);
    return this.cache.get(instanceId, tokenHash, () => this.load(instanceId, tokenHash));
  }

  private async load(instanceId: string, tokenHash: string): Promise<PatRow | undefined> {
    const token = await this.users.personalAccessToken(instanceId, tokenHash);
    if (!token) return undefined;
    const orgStates = await this.orgs.states(instanceId, [token.userOrgId]);
    return Object.freeze({
      id: token.id,
      userId: token.userId,
      resourceOwner: token.resourceOwner,
      expiresAt: token.expiresAt.getTime(),
      createdAt: token.createdAt.getTime(),
      userActive: token.userState === 'active',
      // A missing org does not stop the token; only an inactive one does.
      orgActive: orgStates.get(token.userOrgId) !== 'inactive',
    });
  }
}
