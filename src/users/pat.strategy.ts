import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { TokenStrategy, TokenSubject } from '../platform/auth/authenticator.js';
import { ChangeFeed } from '../platform/cache/change-feed.js';
import type { ReadCache } from '../platform/cache/read-cache.js';
import { hashToken } from '../platform/crypto/master-key.js';
import { Unauthenticated } from '../platform/errors/domain-error.js';
import type { Instance } from '../platform/tenancy/instance.entity.js';

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
    private readonly dataSource: DataSource,
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
    const rows: {
      id: string;
      user_id: string;
      resource_owner: string;
      expires_at: Date;
      created_at: Date;
      user_state: string;
      org_state: string | null;
    }[] = await this.dataSource.query(
      `SELECT t.id, t.user_id, t.resource_owner, t.expires_at, t.created_at, u.state AS user_state, o.state AS org_state
           FROM personal_access_tokens t
           JOIN users u ON u.instance_id = t.instance_id AND u.id = t.user_id
           LEFT JOIN orgs o ON o.instance_id = u.instance_id AND o.id = u.resource_owner
          WHERE t.instance_id = $1 AND t.token_hash = $2`,
      [instanceId, tokenHash],
    );
    const row = rows[0];
    if (!row) return undefined;
    return Object.freeze({
      id: row.id,
      userId: row.user_id,
      resourceOwner: row.resource_owner,
      expiresAt: row.expires_at.getTime(),
      createdAt: row.created_at.getTime(),
      userActive: row.user_state === 'active',
      orgActive: row.org_state !== 'inactive',
    });
  }
}
