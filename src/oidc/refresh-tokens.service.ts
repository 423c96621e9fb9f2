import { Injectable } from '@nestjs/common';
import { NotFound } from '../platform/errors/domain-error.js';
import { Transactions } from '../platform/database/transactions.js';
import { EventStore, type WrittenEvent } from '../platform/events/event-store.js';
import { creatorOf, type AuthenticatedCaller } from '../platform/rpc/call-context.js';
import { Policies } from '../settings/policies.queries.js';
import { AppsQueries } from '../apps/apps.queries.js';
import { liveRefreshTokens, removeRefreshTokens } from './oidc-payloads.store.js';
import { audienceOf } from './zitadel-scopes.js';

/** A refresh token as its user sees it (ZITADEL's zitadel.user.v1.RefreshToken). */
export interface RefreshTokenView {
  /** The stored row id: the token's SHA-256, which names it without being usable as the token. */
  readonly id: string;
  readonly clientId: string;
  readonly issuedAt: Date;
  readonly authTime?: Date;
  /** The idle expiry: each use of the token moves it (as the provider's lifetime rule sets it). */
  readonly idleExpiration?: Date;
  /** The absolute expiry, from the first issue of the token's chain. */
  readonly expiration: Date;
  readonly scopes: string[];
  /** What the access tokens the refresh token gets are for: the client, its project, the scopes' audiences. */
  readonly audience: string[];
}

export const refreshTokenNotFound = () => NotFound('OIDC-rt404', 'refresh token not found');

const fromEpoch = (seconds: number | undefined) => (seconds ? new Date(seconds * 1000) : undefined);

/**
 * A user's own refresh tokens (v1 auth's ListMyRefreshTokens, RevokeMyRefreshToken,
 * RevokeAllMyRefreshTokens): only the caller's, so another's id answers like a missing one.
 */
@Injectable()
export class RefreshTokensService {
  constructor(
    private readonly tx: Transactions,
    private readonly events: EventStore,
    private readonly policies: Policies,
    private readonly apps: AppsQueries,
  ) {}

  async listMine(caller: AuthenticatedCaller): Promise<RefreshTokenView[]> {
    const { settings } = await this.policies.resolve('oidc', caller.instance.id);
    const instanceId = caller.instance.id;
    const rows = await liveRefreshTokens(this.tx.reader, instanceId, caller.principal.userId);
    const clients = [...new Set(rows.map((r) => String(r.payload.clientId ?? '')))];
    const projects = new Map(
      await Promise.all(
        clients.map(async (c) => [c, (await this.apps.activeClient(instanceId, c))?.projectId] as const),
      ),
    );
    return rows.map(({ id, payload, expiresAt }) => {
      const clientId = String(payload.clientId ?? '');
      const scope = String(payload.scope ?? '');
      const issuedAt = fromEpoch(payload.iat) ?? new Date(0);
      const firstIssued = fromEpoch(payload.iiat) ?? issuedAt;
      return {
        id,
        clientId,
        issuedAt,
        authTime: fromEpoch(payload.authTime as number | undefined),
        idleExpiration: expiresAt ?? undefined,
        expiration: new Date(firstIssued.getTime() + settings.refreshTokenExpirationMs),
        scopes: scope.split(' ').filter(Boolean),
        audience: audienceOf(clientId, projects.get(clientId), scope, instanceId),
      };
    });
  }

  /** Revokes one of the caller's refresh tokens (and the access tokens of its grant). */
  async revokeMine(caller: AuthenticatedCaller, id: string): Promise<WrittenEvent> {
    const event = await this.revoke(caller, id);
    if (!event) throw refreshTokenNotFound();
    return event;
  }

  /** Revokes every refresh token of the caller; with none there is nothing to record (ZITADEL answers OK). */
  revokeAllMine(caller: AuthenticatedCaller): Promise<WrittenEvent | undefined> {
    return this.revoke(caller);
  }

  private async revoke(caller: AuthenticatedCaller, id?: string): Promise<WrittenEvent | undefined> {
    return this.tx.run(async (tx) => {
      const removed = await removeRefreshTokens(tx, caller.instance.id, caller.principal.userId, id);
      if (!removed.length) return undefined;
      // The same event the provider writes when a token is revoked at its revocation endpoint.
      const [event] = await this.events.push(tx, caller.instance.id, creatorOf(caller), [
        {
          aggregateType: 'oidc_token',
          aggregateId: `RefreshToken:user:${caller.principal.userId}`,
          resourceOwner: caller.principal.orgId,
          type: 'oidc.token.revoked',
          payload: { revoked: removed.map((r) => `RefreshToken:${r.slice(0, 12)}…`) },
        },
      ]);
      return event;
    });
  }
}
