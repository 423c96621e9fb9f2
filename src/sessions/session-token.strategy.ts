import { Injectable } from '@nestjs/common';
import type { TokenStrategy, TokenSubject } from '../platform/auth/authenticator.js';
import type { Instance } from '../platform/tenancy/instance.entity.js';
import { methodsForPendingSteps, pendingStepsReason } from './login-rules.js';
import { SessionStandings } from './session-standing.queries.js';
import { sessionTokenNotAccepted } from './sessions.errors.js';

const MISSING = {
  first_factor: 'the session has not verified a password, passkey or identity provider yet',
  second_factor:
    "the login settings or the user's own second factors require a second factor: check TOTP, OTP, U2F or a passkey on the session first",
} as const;

/**
 * Session tokens as Bearer tokens, for the session's own user. Looked up by hash like PATs (the
 * two never collide: each is found only in its own table). A token is accepted while its session
 * exists (DeleteSession removes it), is unexpired, its user and org are active, and it satisfies
 * the login rules CreateCallback enforces (`sessionStanding`): a first factor, and the second
 * factor the login settings force or the user has set up. A session whose user still owes a
 * step (the password change, a forced MFA set-up) is a limited caller: no roles, and only the
 * methods of that step, the user itself and the session API.
 */
@Injectable()
export class SessionTokenStrategy implements TokenStrategy {
  readonly name = 'session';

  constructor(private readonly standings: SessionStandings) {}

  async authenticate(token: string, instance: Instance): Promise<TokenSubject | undefined> {
    const session = await this.standings.byToken(instance.id, token);
    if (!session) return undefined;
    if (session.expired) throw sessionTokenNotAccepted('the session has expired');
    if (!session.userId || !session.orgId || !session.standing) throw sessionTokenNotAccepted(MISSING.first_factor);
    if (!session.active)
      throw sessionTokenNotAccepted('the session belongs to a user or organization that is not active');
    const { missing, pending } = session.standing;
    if (missing) throw sessionTokenNotAccepted(MISSING[missing]);
    // The session id rides along into the Principal (the Authenticator spreads the subject).
    const subject: TokenSubject & { sessionId: string } = {
      userId: session.userId,
      orgId: session.orgId,
      method: 'session',
      sessionId: session.id,
      ...(pending.length
        ? { limitedTo: { methods: methodsForPendingSteps(pending), reason: pendingStepsReason(pending) } }
        : {}),
    };
    return subject;
  }
}
