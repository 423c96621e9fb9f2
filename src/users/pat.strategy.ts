import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { TokenStrategy, TokenSubject } from '../platform/auth/authenticator.js';
import { hashToken } from '../platform/crypto/master-key.js';
import { Unauthenticated } from '../platform/errors/domain-error.js';
import type { Instance } from '../platform/tenancy/instance.entity.js';

/**
 * Personal access tokens: looked up by hash, valid while unexpired and while the user and its
 * org are active. Any other bearer token is left to the next strategy.
 */
@Injectable()
export class PatStrategy implements TokenStrategy {
  readonly name = 'pat';

  constructor(private readonly dataSource: DataSource) {}

  async authenticate(token: string, instance: Instance): Promise<TokenSubject | undefined> {
    const rows: { user_id: string; resource_owner: string; expired: boolean; user_state: string; org_state: string | null }[] =
      await this.dataSource.query(
        `SELECT t.user_id, t.resource_owner, t.expires_at <= now() AS expired, u.state AS user_state, o.state AS org_state
           FROM personal_access_tokens t
           JOIN users u ON u.instance_id = t.instance_id AND u.id = t.user_id
           LEFT JOIN orgs o ON o.instance_id = u.instance_id AND o.id = u.resource_owner
          WHERE t.instance_id = $1 AND t.token_hash = $2`,
        [instance.id, hashToken(token)],
      );
    const row = rows[0];
    if (!row) return undefined;
    if (row.expired) throw Unauthenticated('AUTH-p4t3x', 'the token has expired');
    if (row.user_state !== 'active' || row.org_state === 'inactive') {
      throw Unauthenticated('AUTH-p4t5t', 'the token belongs to a user or organization that is not active');
    }
    return { userId: row.user_id, orgId: row.resource_owner, method: 'pat' };
  }
}
