import type { default as Provider, KoaContextWithOIDC } from 'oidc-provider';
import { oidcLibrary } from './oidc-library.js';
import { GRANT_JWT_BEARER, GRANT_TOKEN_EXCHANGE, factsOf } from './oidc-clients.js';

// ZITADEL's rules plugged into oidc-provider: discovery, introspection and the login prompt.

/** Grant types the token endpoint serves outside oidc-provider (see OidcRoutes), listed in discovery too. */
const GRANTS_SERVED_BESIDE_PROVIDER = [GRANT_JWT_BEARER];

/** The instance's switches that decide what discovery may promise (its feature flags). */
export interface DiscoverySwitches {
  readonly tokenExchange: boolean;
  readonly backChannelLogout: boolean;
}

/**
 * Discovery as the instance serves it: the grant types served beside oidc-provider are listed;
 * token exchange and back-channel logout only while the instance's flags turn them on (as
 * ZITADEL's discovery asks its feature flags), since the provider is built with both.
 */
export function discoveryAsServed(
  body: { grant_types_supported?: string[]; backchannel_logout_supported?: boolean },
  switches: DiscoverySwitches,
): void {
  const grants = [...new Set([...(body.grant_types_supported ?? []), ...GRANTS_SERVED_BESIDE_PROVIDER])];
  body.grant_types_supported = switches.tokenExchange ? grants : grants.filter((g) => g !== GRANT_TOKEN_EXCHANGE);
  if (!switches.backChannelLogout) {
    const promises = body as Record<string, unknown>;
    promises.backchannel_logout_supported = false;
    delete promises.backchannel_logout_session_supported;
  }
}

/** Applies `discoveryAsServed` to the provider's discovery answers with the instance's current switches. */
export function serveDiscoveryAsServed(provider: Provider, switches: () => Promise<DiscoverySwitches>): void {
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.oidc?.route !== 'discovery' || !ctx.body || typeof ctx.body !== 'object') return;
    discoveryAsServed(ctx.body as Parameters<typeof discoveryAsServed>[0], await switches());
  });
}

/** The scope a token is being issued for: asked in this request, or carried by the code/token exchanged. */
export function requestedScope(ctx: KoaContextWithOIDC): string {
  const entities = ctx.oidc.entities as Record<string, { scope?: string } | undefined>;
  return (
    (ctx.oidc.params?.scope as string | undefined) ??
    entities.RefreshToken?.scope ??
    entities.AuthorizationCode?.scope ??
    entities.DeviceCode?.scope ??
    ''
  );
}

/**
 * ZITADEL's rule: an API (or any) client may introspect a token meant for it: the token's
 * audience names the client or the client's project, or the client is the token's own.
 */
export function introspectionAllowed(
  client: { clientId: string },
  token: { clientId?: string; aud?: string | string[] },
): boolean {
  if (token.clientId === client.clientId) return true;
  const aud = Array.isArray(token.aud) ? token.aud : token.aud ? [token.aud] : [];
  const facts = factsOf(client);
  return aud.includes(client.clientId) || (!!facts?.projectId && aud.includes(facts.projectId));
}

/**
 * oidc-provider's login and consent prompts, plus ZITADEL's select_account and create. As in
 * ZITADEL, every request goes to the login (which continues at once with a session it already
 * has): the provider's own browser session never signs anyone in silently, except for
 * prompt=none, so a session ended through the session API ends single sign-on too.
 */
export function loginPolicy() {
  const { interactionPolicy } = oidcLibrary();
  const policy = interactionPolicy.base();
  const { Check } = interactionPolicy;
  policy
    .get('login')!
    .checks.add(
      new Check('login_always', 'the login decides who is signed in', (ctx) =>
        ctx.oidc.result?.login || ctx.oidc.prompts.has('none') ? Check.NO_NEED_TO_PROMPT : Check.REQUEST_PROMPT,
      ),
    );
  policy.add(new interactionPolicy.Prompt({ name: 'select_account', requestable: true }));
  policy.add(new interactionPolicy.Prompt({ name: 'create', requestable: true }));
  return policy;
}
