import { Injectable } from '@nestjs/common';
import { MembershipQueries } from '../authz/membership-queries.js';
import { Unauthenticated } from '../errors/domain-error.js';
import type { Instance } from '../tenancy/instance.entity.js';
import type { CallerLimit, Principal } from './principal.js';

/** Who a token belongs to, as one strategy recognised it. */
export interface TokenSubject {
  readonly userId: string;
  readonly orgId: string;
  readonly method: Principal['method'];
  /** A subject that may only finish its sign-in: it gets none of the user's roles. */
  readonly limitedTo?: CallerLimit;
}

/**
 * One kind of bearer token (PAT here; OIDC access tokens and session tokens in later issues).
 * Returns undefined for a token that is not of its kind, throws Unauthenticated for one that is
 * but is invalid or expired.
 */
export interface TokenStrategy {
  readonly name: string;
  authenticate(token: string, instance: Instance): Promise<TokenSubject | undefined>;
}

/** `Authorization: Bearer <token>` -> Principal, trying each registered strategy in turn. */
@Injectable()
export class Authenticator {
  private readonly strategies: TokenStrategy[] = [];

  constructor(private readonly memberships: MembershipQueries) {}

  use(strategy: TokenStrategy): void {
    this.strategies.push(strategy);
  }

  async authenticate(authorization: string | null, instance: Instance): Promise<Principal> {
    if (!authorization) throw Unauthenticated('AUTH-7fs1e', 'authentication required: send Authorization: Bearer <token>');
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match) throw Unauthenticated('AUTH-7fs2e', 'the Authorization header must be "Bearer <token>"');
    for (const strategy of this.strategies) {
      const subject = await strategy.authenticate(match[1], instance);
      if (subject) {
        const grants = subject.limitedTo ? [] : await this.memberships.grantsOf(instance.id, subject.userId);
        return { ...subject, instanceId: instance.id, grants };
      }
    }
    throw Unauthenticated('AUTH-7fs3e', 'invalid or expired token');
  }
}
