import type Provider from 'oidc-provider';
import { isRegisteredUri } from '../apps/oidc-rules.js';
import { hashToken } from '../platform/crypto/master-key.js';
import { ZITADEL_CLAIMS } from './oidc-accounts.js';
import { factsOf } from './oidc-clients.js';

/**
 * Where ZITADEL's behaviour differs from oidc-provider's models: ID tokens carry ZITADEL's claims,
 * redirect URIs follow ZITADEL's rules (dev-mode globs), client secrets are compared by their
 * hash, access tokens name several audiences, and JWT access tokens are stored like opaque ones.
 */
export function patchProviderModels(provider: Provider): void {
  // ID tokens carry ZITADEL's claims (roles, metadata, resource owner), which the provider's
  // claim filter knows no names for: the account hands them over under one reserved key.
  const idToken = provider.IdToken.prototype as unknown as {
    payload(): Promise<Record<string, unknown>>;
    available?: Record<string, unknown>;
  };
  const originalPayload = idToken.payload;
  idToken.payload = async function payload(this: { available?: Record<string, unknown> }) {
    const claims = await originalPayload.call(this);
    const available = this.available ?? {};
    const extra = available[ZITADEL_CLAIMS];
    // ZITADEL always states how and when the user signed in (the provider only when asked).
    const always = Object.fromEntries(
      ['amr', 'auth_time'].filter((k) => available[k] !== undefined).map((k) => [k, available[k]]),
    );
    return { ...claims, ...always, ...(extra && typeof extra === 'object' ? extra : {}) };
  };
  // Which redirect URIs an app may use is ZITADEL's rule, applied per authorization request
  // (OidcRoutes, authorizeRedirectRefusal); malformed ones are refused on save. The provider's
  // own per-application-type rules (no http for implicit web clients, no custom schemes for web
  // clients, ...) would refuse the whole client, token and device endpoints included: the
  // documented way around them is the client schema's prototype.
  const schema = (
    provider.Client as unknown as { Schema: { prototype: { redirectUris(uris?: string[], label?: string): void } } }
  ).Schema;
  schema.prototype.redirectUris = function acceptedAsSaved() {};
  // A dev-mode app's registered URIs are globs (ZITADEL's client), for redirects and sign-out.
  type Redirects = {
    redirectUris?: string[];
    postLogoutRedirectUris?: string[];
    redirectUriAllowed(uri: string): boolean;
    postLogoutRedirectUriAllowed(uri: string): boolean;
  };
  const redirects = provider.Client.prototype as unknown as Redirects;
  const { redirectUriAllowed, postLogoutRedirectUriAllowed } = redirects;
  const devModeMatch = (client: Redirects, registered: string[] | undefined, uri: string) =>
    !!factsOf(client)?.devMode && typeof uri === 'string' && isRegisteredUri(registered ?? [], true, uri);
  redirects.redirectUriAllowed = function allowed(this: Redirects, uri: string) {
    return redirectUriAllowed.call(this, uri) || devModeMatch(this, this.redirectUris, uri);
  };
  redirects.postLogoutRedirectUriAllowed = function allowed(this: Redirects, uri: string) {
    return postLogoutRedirectUriAllowed.call(this, uri) || devModeMatch(this, this.postLogoutRedirectUris, uri);
  };
  keepClientsWithTheirMetadata(provider);
  const clientClass = provider.Client as unknown as {
    prototype: { compareClientSecret(actual: string): Promise<boolean> | boolean; clientSecret?: string };
  };
  clientClass.prototype.compareClientSecret = function compare(this: { clientSecret?: string }, actual: string) {
    return !!this.clientSecret && hashToken(actual) === this.clientSecret;
  };
  // ZITADEL's access tokens name several audiences (client, project, API); oidc-provider takes
  // one string from the resource server, which carries them space separated.
  const accessToken = provider.AccessToken.prototype as unknown as {
    setAudience(audience: string | string[]): void;
    aud?: string | string[];
  };
  accessToken.setAudience = function setAudience(this: { aud?: string | string[] }, audience: string | string[]) {
    const list = (Array.isArray(audience) ? audience : audience.split(' ')).filter(Boolean);
    this.aud = list.length === 1 ? list[0] : list;
  };
  // JWT access tokens are stored too (under their jti, marked as JWTs for the adapter), so
  // revocation, introspection and the API's checks work for them as for opaque ones.
  const tokenClass = provider.AccessToken.prototype as unknown as {
    getValueAndPayload(): Promise<{ value: string; payload?: unknown }>;
    format?: string;
  };
  const original = tokenClass.getValueAndPayload;
  // The base model's (opaque) payload: ClientCredentials, like AccessToken, dispatches on the
  // token's format and so would answer a JWT without a payload, leaving nothing stored.
  const opaque = (Object.getPrototypeOf(tokenClass) as { getValueAndPayload: typeof original }).getValueAndPayload;
  tokenClass.getValueAndPayload = async function valueAndPayload(this: { format?: string }) {
    const result = await original.call(this);
    if (this.format !== 'jwt') return result;
    const { payload } = await opaque.call(this);
    return { value: result.value, payload: { ...(payload as object), format: 'jwt' } };
  };
}

type ClientModel = {
  find(id: unknown): Promise<unknown>;
  readonly adapter: { find(id: string): Promise<object | undefined> };
  new (metadata: object): { sectorIdentifierUri?: string };
};

/**
 * oidc-provider tells whether a stored client changed by hashing its metadata's JSON on every
 * look-up (several per token request). The metadata comes from OidcClients' change-fed cache,
 * which hands out the same object until the client changes in any process: the client built
 * from an object is kept with that object, so a look-up is the cache read alone, and a change
 * brings a new object and so a new client. The provider is configured with no static clients
 * and no client ID metadata documents, so an id without metadata is no client.
 */
function keepClientsWithTheirMetadata(provider: Provider): void {
  const model = provider.Client as unknown as ClientModel;
  const find = model.find.bind(model);
  const built = new WeakMap<object, unknown>();
  model.find = async function findClient(id: unknown) {
    if (typeof id !== 'string' || !id.length) return undefined;
    const metadata = await model.adapter.find(id);
    if (!metadata) return undefined;
    let client = built.get(metadata);
    if (!client) {
      const made = new model(metadata);
      // A sector identifier is fetched and checked by the provider's own path.
      if (made.sectorIdentifierUri !== undefined) return find(id);
      built.set(metadata, made);
      client = made;
    }
    return client;
  };
}
