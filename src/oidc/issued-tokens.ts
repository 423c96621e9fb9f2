import type Provider from 'oidc-provider';
import type { Client } from 'oidc-provider';
import { factsOf } from './oidc-clients.js';
import { lifetimesOf } from './oidc-lifetimes.js';
import { AUDIENCE_RESOURCE, audienceOf } from './zitadel-scopes.js';

export interface IssuedAccessToken {
  readonly access_token: string;
  readonly token_type: 'Bearer' | 'DPoP';
  readonly expires_in: number;
  readonly scope?: string;
}

/**
 * An access token minted outside oidc-provider's own grants (machine grants, token exchange), for
 * the user `accountId` and the calling client: the same audience and format rules as every other
 * token, unless the grant has settled the audience itself (token exchange). `prepare` sees the
 * token before it is saved (e.g. to note an actor).
 */
export async function issueAccessToken(
  provider: Provider,
  instanceId: string,
  client: Client,
  grant: { accountId: string; scope: string; gty: string; audience?: readonly string[] },
  prepare?: (token: object) => void,
): Promise<IssuedAccessToken> {
  const { accountId, scope, gty, audience } = grant;
  const facts = factsOf(client);
  const token = new provider.AccessToken({ accountId, client, scope: scope || undefined, gty } as never);
  token.resourceServer = new provider.ResourceServer(AUDIENCE_RESOURCE, {
    scope: scope || 'openid',
    audience: (audience?.length ? audience : audienceOf(client.clientId, facts?.projectId, scope, instanceId)).join(
      ' ',
    ),
    accessTokenFormat: facts?.accessTokenType ?? 'opaque',
    accessTokenTTL: lifetimesOf(provider).accessTokenSeconds,
  } as never);
  prepare?.(token);
  const value = await token.save();
  return {
    access_token: value,
    token_type: token.tokenType as IssuedAccessToken['token_type'],
    expires_in: token.expiration,
    ...(scope ? { scope } : {}),
  };
}
