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
  /** The OIDC client the token was issued to (see Principal.clientId). */
  readonly clientId?: string;
  /** A subject that may only finish its sign-in: it gets none of the user's roles. */
  readonly limitedTo?: CallerLimit;
}

/** The request a token came with, for sender-constrained tokens (RFC 9449 DPoP). */
export interface TokenRequest {
  /** `Authorization: Bearer <token>` or `DPoP <token>`. */
  readonly scheme: 'bearer' | 'dpop';
  /** The HTTP method and URL of the request as received (REST path, or the RPC's path). */
  readonly method: string;
  readonly url: string;
  /** The `DPoP` header: a proof of possession of the key the token is bound to. */
  readonly proof?: string;
}

/** What the transport knows of the request besides the Authorization header. */
export interface RequestFacts {
  readonly method: string;
  readonly url: string;
  readonly dpop?: string | null;
}

/**
 * One kind of bearer token (PAT here; OIDC access tokens and session tokens in later issues).
 * Returns undefined for a token that is not of its kind, throws Unauthenticated for one that is
 * but is invalid or expired.
 */
export interface TokenStrategy {
  readonly name: string;
  /** Checks DPoP proofs: only such a strategy is asked about a token sent with DPoP. */
  readonly senderConstrained?: boolean;
  authenticate(token: string, instance: Instance, request: TokenRequest): Promise<TokenSubject | undefined>;
}

/**
 * `Authorization: Bearer <token>` (or `DPoP <token>` with a `DPoP` proof, for sender-constrained
 * tokens) -> Principal, trying each registered strategy in turn.
 */
@Injectable()
export class Authenticator {
  private readonly strategies: TokenStrategy[] = [];

  constructor(private readonly memberships: MembershipQueries) {}

  use(strategy: TokenStrategy): void {
    this.strategies.push(strategy);
  }

  async authenticate(
    authorization: string | null,
    instance: Instance,
    facts: RequestFacts = { method: 'POST', url: '' },
  ): Promise<Principal> {
    if (!authorization)
      throw Unauthenticated('AUTH-7fs1e', 'authentication required: send Authorization: Bearer <token>');
    const match = /^(Bearer|DPoP)\s+(\S+)\s*$/i.exec(authorization);
    if (!match)
      throw Unauthenticated(
        'AUTH-7fs2e',
        'the Authorization header must be "Bearer <token>" (or "DPoP <token>" with a DPoP proof)',
      );
    const request: TokenRequest = {
      scheme: match[1].toLowerCase() === 'dpop' ? 'dpop' : 'bearer',
      method: facts.method,
      url: facts.url,
      ...(facts.dpop ? { proof: facts.dpop } : {}),
    };
    const withDpop = request.scheme === 'dpop' || !!request.proof;
    for (const strategy of this.strategies) {
      if (withDpop && !strategy.senderConstrained) continue;
      const subject = await strategy.authenticate(match[2], instance, request);
      if (subject) {
        const grants = subject.limitedTo ? [] : await this.memberships.grantsOf(instance.id, subject.userId);
        return { ...subject, instanceId: instance.id, grants };
      }
    }
    throw Unauthenticated('AUTH-7fs3e', 'invalid or expired token');
  }
}
