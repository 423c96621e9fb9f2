import { createHash } from 'node:crypto';
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import Provider, { interactionPolicy, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { isRegisteredUri } from '../apps/oidc-rules.js';
import { MembershipQueries } from '../platform/authz/membership-queries.js';
import { Config } from '../platform/config/config.js';
import { MasterKey, hashToken } from '../platform/crypto/master-key.js';
import { EventStore } from '../platform/events/event-store.js';
import { OutboundHttp } from '../platform/http/outbound.js';
import { LOGGER } from '../platform/platform.module.js';
import type { Instance } from '../platform/tenancy/instance.entity.js';
import { every } from '../platform/jobs/every.js';
import { Policies, type PolicySource } from '../settings/policies.queries.js';
import { SigningKeys } from '../webkeys/signing-keys.store.js';
import { clientCredentialsGrant } from './machine-grants.js';
import { OidcAccounts, STANDARD_CLAIMS, ZITADEL_CLAIMS } from './oidc-accounts.js';
import { AssertionRelay } from './assertion-relay.js';
import { DPOP_ALGS, DpopNonces, dpopNonceSecretPurpose } from './dpop.js';
import {
  FACTS,
  GRANT_JWT_BEARER,
  GRANT_TOKEN_EXCHANGE,
  OidcClients,
  factsOf,
  type PresentedAuth,
} from './oidc-clients.js';
import { attachLifetimes, lifetimesFrom, type OidcLifetimes } from './oidc-lifetimes.js';
import { claimOnce, postgresAdapter, recordOnce, sweepExpired } from './pg-adapter.js';
import { ProjectStore } from '../projects/projects.store.js';
import { PatStrategy } from '../users/pat.strategy.js';
import { introspectPersonalAccessTokens } from './pat-introspection.js';
import { getInProcess, signedCookieHeader, type InProcessAnswer, type RequestHandler } from './interaction-resume.js';
import { TOKEN_EXCHANGE_PARAMS, actorOf, tokenExchangeGrant } from './token-exchange.js';
import { AUDIENCE_RESOURCE, audienceOf } from './zitadel-scopes.js';
import { answerUnroutedAsOAuth } from './oauth-errors.js';

export const OIDC_PATHS = {
  authorization: '/oauth/v2/authorize',
  token: '/oauth/v2/token',
  introspection: '/oauth/v2/introspect',
  revocation: '/oauth/v2/revoke',
  jwks: '/oauth/v2/keys',
  device_authorization: '/oauth/v2/device_authorization',
  code_verification: '/oauth/v2/device',
  userinfo: '/oidc/v1/userinfo',
  end_session: '/oidc/v1/end_session',
  pushed_authorization_request: '/oauth/v2/par',
} as const;

/** Grant types the token endpoint serves outside oidc-provider (see OidcRoutes), listed in discovery too. */
const GRANTS_SERVED_BESIDE_PROVIDER = [GRANT_JWT_BEARER];

/** ZITADEL's user code alphabet and format: 8 consonants as XXXX-XXXX. */
const USER_CODE = { charset: 'base-20', mask: '****-****' } as const;
const KEYS_RECHECK_MS = 1_000;
/** Providers kept (per instance and issuer; the port of the Host header is part of the issuer). */
const MAX_PROVIDERS = 64;
const SWEEP_EVERY_MS = 5 * 60_000;
/** oidc-provider's own limit for its outgoing calls (back-channel logout, jwks_uri). */
const OUTBOUND_TIMEOUT_MS = 2_500;
const OUTBOUND_MAX_BYTES = 512 * 1024;
const ALGS = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

interface CachedProvider {
  readonly provider: Provider;
  /** The signing keys and OIDC settings it was built with; another tag means rebuild. */
  readonly tag: string;
  readonly signingAlg: string;
  checkedAt: number;
}

/** What a provider is built from: the signing keys and the OIDC settings' version. */
function providerTag(keysTag: string, oidcSettings: PolicySource): string {
  return `${keysTag} oidc:${oidcSettings.sequence}`;
}

/** The client auth a token request presents, read before the provider parses the request. */
function presentedAuth(ctx: KoaContextWithOIDC | undefined): PresentedAuth | undefined {
  if (!ctx) return undefined;
  const body = (ctx.req as { body?: unknown }).body;
  const form = typeof body === 'string' || Buffer.isBuffer(body) ? new URLSearchParams(body.toString()) : undefined;
  if (form?.get('client_assertion')) return 'assertion';
  if (/^basic /i.test(ctx.get('authorization'))) return 'basic';
  if (form?.get('client_secret')) return 'post';
  return undefined;
}

/**
 * One oidc-provider per instance and issuer (the issuer is the URL the instance is called at,
 * as in ZITADEL). A provider holds the instance's signing keys and token lifetimes (OIDC
 * settings); when a web key is created, activated or deleted, or the settings change, anywhere,
 * the next request (checked at most once a second) builds a new provider, so rotation and new
 * lifetimes need no restart and are seen by every process.
 */
@Injectable()
export class OidcProviders implements OnModuleInit, OnModuleDestroy {
  private readonly providers = new Map<string, Promise<CachedProvider>>();
  private readonly nonces = new Map<string, DpopNonces>();
  private readonly handlers = new WeakMap<Provider, RequestHandler>();
  private stopSweeping?: () => void;

  constructor(
    private readonly dataSource: DataSource,
    private readonly events: EventStore,
    private readonly masterKey: MasterKey,
    private readonly keys: SigningKeys,
    private readonly clients: OidcClients,
    private readonly accounts: OidcAccounts,
    private readonly memberships: MembershipQueries,
    private readonly policies: Policies,
    private readonly config: Config,
    @Inject(LOGGER) private readonly log: Logger,
    private readonly outbound: OutboundHttp,
    private readonly pats: PatStrategy,
    private readonly projects: ProjectStore,
    private readonly relay: AssertionRelay,
  ) {}

  onModuleInit(): void {
    this.stopSweeping = every(
      SWEEP_EVERY_MS,
      () => sweepExpired(this.dataSource),
      (err) => this.log.warn({ err }, 'sweeping expired OIDC artifacts failed'),
    );
  }

  onModuleDestroy(): void {
    this.stopSweeping?.();
  }

  /** The issuer of a request: the configured scheme with the host the client called. */
  issuerFor(host: string): string {
    return `${new URL(this.config.externalUrl).protocol}//${host}`;
  }

  /**
   * A provider of the instance for work outside a request to it (the OIDC service's commands):
   * models are per instance, not per issuer; the URLs they carry come from the original request.
   */
  forModels(instance: Instance): Promise<Provider> {
    return this.forIssuer(instance, new URL(this.config.externalUrl).origin);
  }

  /**
   * The DPoP nonce secret of an instance: derived from the master key, so every process hands
   * out and accepts the same nonces.
   */
  private dpopNonceSecret(instanceId: string): Buffer {
    return Buffer.from(this.masterKey.derive(dpopNonceSecretPurpose(instanceId)), 'base64url');
  }

  /** DPoP nonces of an instance, as its token endpoint hands them out (for userinfo and the API). */
  dpopNonces(instanceId: string): DpopNonces {
    let nonces = this.nonces.get(instanceId);
    if (!nonces) {
      nonces = new DpopNonces(this.dpopNonceSecret(instanceId), this.config.dpopRequireNonce === 'true');
      this.nonces.set(instanceId, nonces);
    }
    return nonces;
  }

  /** The key oidc-provider signs its cookies with: every process derives it alike from the master key. */
  private cookieKey(instanceId: string): string {
    return this.masterKey.derive(`oidc-cookies:${instanceId}`);
  }

  /** The provider's Koa request handler (made once per provider). */
  handlerOf(provider: Provider): RequestHandler {
    let handler = this.handlers.get(provider);
    if (!handler) {
      handler = provider.callback() as unknown as RequestHandler;
      this.handlers.set(provider, handler);
    }
    return handler;
  }

  /**
   * Resumes an answered interaction through the provider's own resume endpoint, in this process,
   * presenting the resume cookie the provider would have given the browser (signed with the same
   * key): the provider runs its checks (prompts, grant, PKCE and nonce bound into the code) and
   * issues the code or the error into its storage, and answers where the browser goes. No browser
   * cookie is needed, so a login on another host, in a native app or on a server can finish it.
   */
  async resumeInteraction(
    instance: Instance,
    interaction: { uid: string; returnTo: string; session?: { cookie?: string } },
  ): Promise<InProcessAnswer> {
    const returnTo = new URL(interaction.returnTo);
    const provider = await this.forIssuer(instance, `${returnTo.protocol}//${returnTo.host}`);
    const cookieName = (type: string) => (provider as unknown as { cookieName(type: string): string }).cookieName(type);
    const cookies: Record<string, string> = { [cookieName('resume')]: interaction.uid };
    // The browser's provider session the request started in, continued (single sign-on across apps, end_session).
    if (interaction.session?.cookie) cookies[cookieName('session')] = interaction.session.cookie;
    return getInProcess(this.handlerOf(provider), returnTo, signedCookieHeader(this.cookieKey(instance.id), cookies));
  }

  async forIssuer(instance: Instance, issuer: string): Promise<Provider> {
    const key = `${instance.id} ${issuer}`;
    const cached = this.providers.get(key);
    if (cached) {
      const entry = await cached.catch(() => undefined);
      if (entry && Date.now() - entry.checkedAt < KEYS_RECHECK_MS) return entry.provider;
      if (entry) {
        const [keysTag, oidc] = await Promise.all([
          this.keys.keysTag(instance.id),
          this.policies.resolve('oidc', instance.id),
        ]);
        if (providerTag(keysTag, oidc.source) === entry.tag) {
          entry.checkedAt = Date.now();
          return entry.provider;
        }
      }
    }
    const built = this.build(instance, issuer);
    this.providers.delete(key);
    // A cache safe to lose: the oldest provider goes, so hosts with many ports cannot grow it.
    if (this.providers.size >= MAX_PROVIDERS) this.providers.delete(this.providers.keys().next().value!);
    this.providers.set(key, built);
    built.catch(() => this.providers.delete(key));
    return (await built).provider;
  }

  private async build(instance: Instance, issuer: string): Promise<CachedProvider> {
    const { keys, tag } = await this.keys.privateJwks(instance.id);
    if (!keys.length) throw new Error(`instance ${instance.id} has no web key to sign tokens with`);
    const signingAlg = keys[0].alg;
    const oidc = await this.policies.resolve('oidc', instance.id);
    const lifetimes = lifetimesFrom(oidc.settings);
    const provider = new Provider(issuer, this.configuration(instance, issuer, keys, signingAlg, lifetimes));
    attachLifetimes(provider, lifetimes);
    provider.proxy = true;
    provider.on('server_error', (_ctx: unknown, err: Error) =>
      this.log.error({ err, instanceId: instance.id }, 'OIDC request failed'),
    );
    this.customize(provider);
    this.shareOneTimeChecks(provider, instance.id);
    listGrantsServedBeside(provider);
    answerUnroutedAsOAuth(provider);
    introspectPersonalAccessTokens(provider, {
      instanceId: instance.id,
      pats: this.pats,
      projects: this.projects,
      reader: this.dataSource.manager,
      accounts: this.accounts,
    });
    provider.registerGrantType(
      'client_credentials',
      clientCredentialsGrant(provider, instance.id, this.dpopNonces(instance.id)) as never,
      new Set(['scope', 'resource']) as never,
    );
    provider.registerGrantType(
      GRANT_TOKEN_EXCHANGE,
      tokenExchangeGrant(provider, {
        instanceId: instance.id,
        keys: this.keys,
        accounts: this.accounts,
        memberships: this.memberships,
        policies: this.policies,
        nonces: this.dpopNonces(instance.id),
        clientKeys: (clientId) => this.clients.registeredKeys(instance.id, clientId) as never,
      }) as never,
      new Set(TOKEN_EXCHANGE_PARAMS) as never,
    );
    return { provider, tag: providerTag(tag, oidc.source), signingAlg, checkedAt: Date.now() };
  }

  private configuration(
    instance: Instance,
    issuer: string,
    keys: Record<string, unknown>[],
    signingAlg: string,
    lifetimes: OidcLifetimes,
  ): Configuration {
    const instanceId = instance.id;
    const accounts = this.accounts;
    const clients = this.clients;
    const loginUiUrl = this.config.loginUiUrl;
    const cookieKey = this.cookieKey(instanceId);
    return {
      adapter: postgresAdapter(this.dataSource, this.events, this.masterKey, instanceId, {
        jwtAccessTokenId: (value) => this.verifiedJwtId(instanceId, value),
        client: (id) =>
          clients.metadata(instanceId, id, signingAlg, presentedAuth(Provider.ctx as KoaContextWithOIDC | undefined)),
      }),
      jwks: { keys: keys as never },
      // Back-channel logout URIs come from app settings: called through the SSRF-guarded client.
      fetch: this.outbound.asFetch({ timeoutMs: OUTBOUND_TIMEOUT_MS, maxBytes: OUTBOUND_MAX_BYTES }) as never,
      findAccount: (ctx, sub, token) => accounts.find(instanceId, sub, ctx, token),
      claims: {
        acr: null,
        amr: null,
        auth_time: null,
        sid: null,
        openid: ['sub'],
        ...(STANDARD_CLAIMS as unknown as Record<string, string[]>),
      },
      // ZITADEL's response types: code, and implicit id_token / id_token token for user-agent apps.
      responseTypes: ['code', 'id_token', 'id_token token', 'none'],
      scopes: ['openid', 'offline_access', 'profile', 'email', 'phone', 'address'],
      clientDefaults: {
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
        id_token_signed_response_alg: signingAlg as never,
      },
      enabledJWA: {
        idTokenSigningAlgValues: ALGS as never,
        clientAuthSigningAlgValues: ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'PS256'] as never,
        dPoPSigningAlgValues: [...DPOP_ALGS] as never,
      },
      extraClientMetadata: { properties: [FACTS] },
      cookies: {
        keys: [cookieKey],
        long: { httpOnly: true, sameSite: 'lax', secure: issuer.startsWith('https:') },
        short: { httpOnly: true, sameSite: 'lax', secure: issuer.startsWith('https:') },
      },
      routes: {
        authorization: OIDC_PATHS.authorization,
        token: OIDC_PATHS.token,
        introspection: OIDC_PATHS.introspection,
        revocation: OIDC_PATHS.revocation,
        jwks: OIDC_PATHS.jwks,
        device_authorization: OIDC_PATHS.device_authorization,
        code_verification: OIDC_PATHS.code_verification,
        userinfo: OIDC_PATHS.userinfo,
        end_session: OIDC_PATHS.end_session,
        pushed_authorization_request: OIDC_PATHS.pushed_authorization_request,
      },
      discovery: { userinfo_endpoint: `${issuer}${OIDC_PATHS.userinfo}` } as never,
      pkce: { required: (_ctx, client) => client.clientAuthMethod === 'none' },
      clockTolerance: 5,
      conformIdTokenClaims: true,
      allowOmittingSingleRegisteredRedirectUri: false,
      features: {
        devInteractions: { enabled: false },
        userinfo: { enabled: false },
        introspection: {
          enabled: true,
          allowedPolicy: async (_ctx, client, token) => introspectionAllowed(client, token as never),
        },
        revocation: {
          enabled: true,
          // A client revokes its own tokens only (RFC 7009 §2.1).
          allowedPolicy: async (_ctx, client, token) => (token as { clientId?: string }).clientId === client.clientId,
        },
        clientCredentials: { enabled: true },
        // RFC 9126; request_uri lives 60 s and is claimed once (see shareOneTimeChecks).
        pushedAuthorizationRequests: {
          enabled: true,
          requirePushedAuthorizationRequests: this.config.oidcRequirePar === 'true',
          allowUnregisteredRedirectUris: false,
        },
        // RFC 9449. Proof jtis are recorded in PostgreSQL (ReplayDetection, see shareOneTimeChecks).
        dPoP: {
          enabled: true,
          nonceSecret: this.dpopNonceSecret(instanceId),
          requireNonce: () => this.dpopNonces(instanceId).required,
          allowReplay: false,
        },
        deviceFlow: { enabled: true, ...USER_CODE },
        backchannelLogout: { enabled: true },
        rpInitiatedLogout: {
          enabled: true,
          logoutSource: async (ctx, form) => {
            ctx.type = 'html';
            ctx.body = logoutPage(form);
          },
          postLogoutSuccessSource: async (ctx) => {
            ctx.type = 'html';
            ctx.body = '<!doctype html><meta charset="utf-8"><title>Signed out</title><p>You are signed out.</p>';
          },
        },
        resourceIndicators: {
          enabled: true,
          defaultResource: async () => AUDIENCE_RESOURCE,
          useGrantedResource: async () => true,
          getResourceServerInfo: async (ctx, resource, client) => {
            if (resource !== AUDIENCE_RESOURCE) throw new (await import('oidc-provider')).errors.InvalidTarget();
            const facts = factsOf(client);
            const scope = requestedScope(ctx);
            return {
              scope: scope || 'openid',
              audience: audienceOf(client.clientId, facts?.projectId, scope, instanceId).join(' '),
              accessTokenFormat: facts?.accessTokenType ?? 'opaque',
              accessTokenTTL: lifetimes.accessTokenSeconds,
              jwt: { sign: { alg: signingAlg as never } },
            };
          },
        },
      },
      extraTokenClaims: async (ctx, token) => {
        const act = actorOf(token);
        const claims = await accounts.accessTokenClaims(instanceId, ctx, token as never);
        return act ? { ...claims, act } : claims;
      },
      interactions: {
        policy: loginPolicy(),
        url: async (ctx, interaction) => {
          const facts = factsOf(ctx.oidc.client);
          const base = facts?.loginBaseUri ?? loginUiUrl;
          return `${base.replace(/\/$/, '')}/login?authRequest=${encodeURIComponent(interaction.uid)}`;
        },
      },
      ttl: {
        AccessToken: () => lifetimes.accessTokenSeconds,
        ClientCredentials: () => lifetimes.accessTokenSeconds,
        IdToken: () => lifetimes.idTokenSeconds,
        AuthorizationCode: 60,
        DeviceCode: 300,
        Interaction: 3600,
        Session: lifetimes.refreshTokenAbsoluteSeconds,
        Grant: lifetimes.refreshTokenAbsoluteSeconds,
        RefreshToken: (_ctx, token) => {
          // Idle expiry from the last use, capped by the absolute expiry from the first issue.
          const absoluteLeft = token.iat
            ? token.iat + lifetimes.refreshTokenAbsoluteSeconds - Math.floor(Date.now() / 1000)
            : lifetimes.refreshTokenAbsoluteSeconds;
          return Math.max(1, Math.min(lifetimes.refreshTokenIdleSeconds, absoluteLeft));
        },
      },
      rotateRefreshToken: true,
      issueRefreshToken: async (_ctx, client, code) =>
        client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access'),
      renderError: async (ctx, out) => {
        ctx.type = 'html';
        ctx.body = errorPage(out.error, out.error_description);
      },
    };
  }

  /** Client secrets are stored as hashes: compare the hash of what the client sent. */
  private customize(provider: Provider): void {
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

  /**
   * One-time checks that must hold across processes, made atomic in PostgreSQL: a DPoP proof's
   * jti is accepted once (oidc-provider's find-then-save would let two processes both accept
   * it), and a pushed request_uri starts one authorization only (RFC 9126 §4); the login that
   * resumes it reads it again, unclaimed.
   */
  private shareOneTimeChecks(provider: Provider, instanceId: string): void {
    const replay = provider.ReplayDetection as unknown as {
      unique(iss: string, jti: string, exp: number): Promise<boolean>;
    };
    replay.unique = async (iss, jti, exp) =>
      // Client assertion stand-ins are minted per request and never leave the process (AssertionRelay).
      this.relay.isStandInId(jti) ||
      recordOnce(
        this.dataSource,
        instanceId,
        'ReplayDetection',
        createHash('sha256').update(`${iss}${jti}`).digest('base64url'),
        { iss, kind: 'ReplayDetection' },
        exp - Math.floor(Date.now() / 1000),
      );
    const par = provider.PushedAuthorizationRequest as unknown as {
      find(id: string, options?: object): Promise<unknown>;
    };
    const find = par.find.bind(par);
    par.find = async (id, options) => {
      const ctx = Provider.ctx as KoaContextWithOIDC | undefined;
      if (
        ctx?.oidc?.route === 'authorization' &&
        !(await claimOnce(this.dataSource, instanceId, 'PushedAuthorizationRequest', id))
      )
        return undefined;
      return find(id, options);
    };
  }

  /** The jti of a JWT access token signed by one of the instance's web keys (and unexpired), else undefined. */
  async verifiedJwtId(instanceId: string, value: string): Promise<string | undefined> {
    const { jwtVerify, createLocalJWKSet } = await import('jose');
    try {
      const jwks = createLocalJWKSet((await this.keys.jwks(instanceId)) as never);
      // Any issuer of the instance: the key proves the token is this instance's.
      const { payload } = await jwtVerify(value, jwks);
      return typeof payload.jti === 'string' ? payload.jti : undefined;
    } catch {
      return undefined;
    }
  }
}

/** Discovery lists the grant types the token endpoint serves beside oidc-provider too. */
function listGrantsServedBeside(provider: Provider): void {
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.oidc?.route !== 'discovery' || !ctx.body || typeof ctx.body !== 'object') return;
    const body = ctx.body as { grant_types_supported?: string[] };
    body.grant_types_supported = [
      ...new Set([...(body.grant_types_supported ?? []), ...GRANTS_SERVED_BESIDE_PROVIDER]),
    ];
  });
}

/** The scope a token is being issued for: asked in this request, or carried by the code/token exchanged. */
function requestedScope(ctx: KoaContextWithOIDC): string {
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
function introspectionAllowed(
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
function loginPolicy() {
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

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The page an authorization error shows when it cannot go back to the app (a redirect URI not to be trusted). */
export function errorPage(error: string, description?: string): string {
  return `<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>Sign-in error</title>
<body style="font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem"><h1>Sign-in could not continue</h1>
<p><strong>${escapeHtml(error)}</strong></p><p>${escapeHtml(description ?? '')}</p></body></html>`;
}

/** end_session asks nothing (ZITADEL signs out at once): the form submits itself. */
function logoutPage(form: string): string {
  return `<!doctype html><html lang="en"><meta charset="utf-8"><title>Signing out</title><body>${form.replace('<form ', '<form id="op.logoutForm" ')}
<noscript><button form="op.logoutForm" type="submit" name="logout" value="yes">Sign out</button></noscript>
<script>var f=document.getElementById('op.logoutForm');var i=document.createElement('input');i.type='hidden';i.name='logout';i.value='yes';f.appendChild(i);f.submit();</script></body></html>`;
}
