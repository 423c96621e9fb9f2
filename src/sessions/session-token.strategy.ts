import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { TokenStrategy, TokenSubject } from '../platform/auth/authenticator.js';
import { hashToken } from '../platform/crypto/master-key.js';
import type { Instance } from '../platform/tenancy/instance.entity.js';
import { authenticationMethods } from './login-handoff.js';
import { sessionTokenNotAccepted } from './sessions.errors.js';

interface TokenRow {
  id: string;
  user_id: string;
  resource_owner: string;
  expired: boolean;
  password_checked_at: Date | null;
  intent_checked_at: Date | null;
  webauthn_checked_at: Date | null;
  webauthn_user_verified: boolean;
  user_state: string;
  org_state: string | null;
}

/**
 * Session tokens as Bearer tokens, for the session's own user. Looked up by hash like PATs (the
 * two never collide: each is found only in its own table). A token is accepted while its session
 * exists (DeleteSession removes it), is unexpired, has proven who the user is with a first factor
 * (password, passkey with user verification, or an IdP), and its user and org are active.
 */
@Injectable()
export class SessionTokenStrategy implements TokenStrategy {
  readonly name = 'session';

  constructor(private readonly dataSource: DataSource) {}

  async authenticate(token: string, instance: Instance): Promise<TokenSubject | undefined> {
    const rows: TokenRow[] = await this.dataSource.query(
      `SELECT s.id, s.user_id, u.resource_owner, COALESCE(s.expires_at <= now(), false) AS expired,
              s.password_checked_at, s.intent_checked_at, s.webauthn_checked_at, s.webauthn_user_verified,
              u.state AS user_state, o.state AS org_state
         FROM sessions s
         JOIN users u ON u.instance_id = s.instance_id AND u.id = s.user_id
         LEFT JOIN orgs o ON o.instance_id = u.instance_id AND o.id = u.resource_owner
        WHERE s.instance_id = $1 AND s.token_hash = $2`,
      [instance.id, hashToken(token)],
    );
    const row = rows[0];
    if (!row) return undefined;
    if (row.expired) throw sessionTokenNotAccepted('the session has expired');
    const { firstFactor } = authenticationMethods({
      password: row.password_checked_at,
      intent: row.intent_checked_at,
      webAuthn: row.webauthn_checked_at,
      webAuthnUserVerified: row.webauthn_user_verified,
    });
    if (!firstFactor) throw sessionTokenNotAccepted('the session has not verified a password, passkey or identity provider yet');
    if (row.user_state !== 'active' || row.org_state === 'inactive') {
      throw sessionTokenNotAccepted('the session belongs to a user or organization that is not active');
    }
    // The session id rides along into the Principal (the Authenticator spreads the subject).
    const subject: TokenSubject & { sessionId: string } = { userId: row.user_id, orgId: row.resource_owner, method: 'session', sessionId: row.id };
    return subject;
  }
}
