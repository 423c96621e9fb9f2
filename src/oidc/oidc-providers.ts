import { createHash } from 'node:crypto';
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Configuration, KoaContextWithOIDC, default as Provider } from 'oidc-provider';
import { loadOidcLibrary, oidcLibrary } from './oidc-library.js';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { MembershipQueries } from '../platform/authz/membership-queries.js';
import { Config } from '../platform/config/config.js';
import { MasterKey } from '../platform/crypto/master-key.js';
import { EventStore } from '../platform/events/event-store.js';
import { OutboundHttp } from '../platform/http/outbound.js';
import { LOGGER } from '../platform/platform.module.js';
import type { Instance } from '../platform/tenancy/instance.entity.js';
import { every } from '../platform/jobs/every.js';
import { Policies, type PolicySource } from '../settings/policies.queries.js';
import { SigningKeys } from '../webkeys/signing-keys.store.js';
import { clientCredentialsGrant } from './machine-grants.js';
import { OidcAccounts, STANDARD_CLAIMS } from './oidc-accounts.js';
import { AssertionRelay } from './assertion-relay.js';
import { DPOP_ALGS, DpopNonces, dpopNonceSecretPurpose } from './dpop.js';
import { FACTS, GRANT_TOKEN_EXCHANGE, OidcClients, factsOf, type PresentedAuth } from './oidc-clients.js';
import { attachLifetimes, lifetimesFrom, type OidcLifetimes } from './oidc-lifetimes.js';
import { claimOnce, postgresAdapter, recordOnce, sweepExpired } from './oidc-payloads.store.js';
import { ProjectStore } from '../projects/projects.store.js';
import { PatStrategy } from '../users/pat.strategy.js';
import { completeIntrospection } from './pat-introspection.js';
import { getInProcess, signedCookieHeader, type InProcessAnswer, type RequestHandler } from './interaction-resume.js';
import { InstanceFeatures } from '../features/instance-features.js';
import { loginBase } from '../features/feature-flags.js';
import { TOKEN_EXCHANGE_PARAMS, actorOf, tokenExchangeGrant } from './token-exchange.js';
import { AUDIENCE_RESOURCE, audienceOf } from './zitadel-scopes.js';
import { answerUnroutedAsOAuth } from './oauth-errors.js';
import { patchProviderModels } from './oidc-provider-models.js';
import { logoutPage, errorPage } from './oidc-provider-pages.js';
import { introspectionAllowed, loginPolicy, requestedScope, serveDiscoveryAsServed } from './oidc-provider-policies.js';

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
    private readonly features: InstanceFeatures,
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
    const { default: OidcProvider } = await loadOidcLibrary();
    const provider = new OidcProvider(issuer, this.configuration(instance, issuer, keys, signingAlg, lifetimes));
    attachLifetimes(provider, lifetimes);
    provider.proxy = true;
    provider.on('server_error', (_ctx: unknown, err: Error) =>
      this.log.error({ err, instanceId: instance.id }, 'OIDC request failed'),
    );
    patchProviderModels(provider);
    this.shareOneTimeChecks(provider, instance.id);
    serveDiscoveryAsServed(provider, async () => {
      const flags = await this.features.of(instance.id);
      return {
        tokenExchange: flags.oidcTokenExchange?.value === true,
        backChannelLogout: flags.enableBackChannelLogout?.value === true,
      };
    });
    answerUnroutedAsOAuth(provider);
    completeIntrospection(provider, {
      instance,
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
        enabled: async () => (await this.features.of(instance.id)).oidcTokenExchange?.value === true,
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
    const features = this.features;
    const cookieKey = this.cookieKey(instanceId);
    return {
      adapter: postgresAdapter(this.dataSource, this.events, this.masterKey, instanceId, {
        jwtAccessTokenId: (value) => this.verifiedJwtId(instanceId, value),
        tokenEvents: async () => (await features.of(instanceId)).disableUserTokenEvent?.value !== true,
        clientExists: (clientId) => clients.exists(instanceId, clientId),
        request: () => oidcLibrary().default.ctx as object | undefined,
        client: (id) =>
          clients.metadata(
            instanceId,
            id,
            signingAlg,
            presentedAuth(oidcLibrary().default.ctx as KoaContextWithOIDC | undefined),
          ),
      }),
      jwks: { keys: keys as never },
      // Back-channel logout URIs come from app settings: called through the SSRF-guarded client.
      fetch: this.outbound.asFetch({ timeoutMs: OUTBOUND_TIMEOUT_MS, maxBytes: OUTBOUND_MAX_BYTES }) as never,
      findAccount: (ctx, sub) => accounts.find(instanceId, sub, ctx, instance),
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
            if (resource !== AUDIENCE_RESOURCE) throw new (oidcLibrary().errors.InvalidTarget)();
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
        const claims = await accounts.accessTokenClaims(instanceId, ctx, token as never, instance);
        return act ? { ...claims, act } : claims;
      },
      interactions: {
        policy: loginPolicy(),
        url: async (ctx, interaction) => {
          const facts = factsOf(ctx.oidc.client);
          const { loginV2 } = await features.of(instanceId);
          const app = { v2: !!facts?.loginV2, baseUri: facts?.loginBaseUri ?? null };
          const base = loginBase(loginV2?.value, app, loginUiUrl);
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
      const ctx = oidcLibrary().default.ctx as KoaContextWithOIDC | undefined;
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
