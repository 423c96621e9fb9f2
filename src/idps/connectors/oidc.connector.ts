import { Injectable, type OnModuleInit } from '@nestjs/common';
import type * as oc from 'openid-client';
import { OutboundHttp } from '../../platform/http/outbound.js';
import { lazyModule } from '../../platform/modules/lazy-module.js';
import type { ConfigOf, IdpSecrets, IdpTemplate } from '../idp-config.js';
import type {
  ConnectorContext,
  IdpInformation,
  RedirectConnector,
  UpstreamCallback,
  UpstreamUser,
} from './connector.js';
import { appleClientSecret } from './named-apple.js';
import { NamedEndpoints } from './named-endpoints.js';
import { appleUser, gitlabUser, googleUser, parseAppleUser } from './named-mappings.js';
import { standardClaimsUser } from './oidc-claims.js';
import { IdpConnectors } from './registry.js';

export type OidcKind = 'oidc' | 'google' | 'gitlab' | 'gitlabSelfHosted' | 'apple';
type OidcTemplate = IdpTemplate & { config: ConfigOf<OidcKind> };

/** openid-client (and oauth4webapi beneath it), loaded when an OIDC-kind provider is first used. */
const openidClient = lazyModule(() => import('openid-client'));
const OUTBOUND = { timeoutMs: 10_000, maxBytes: 1024 * 1024 };
/** ZITADEL's scopes for the named OIDC providers when the template names none. */
const DEFAULT_SCOPES = ['openid', 'profile', 'email'];
const APPLE_DEFAULT_SCOPES = ['openid', 'name', 'email'];
const METADATA_TTL_MS = 5 * 60_000;
const METADATA_MAX_ISSUERS = 1_000;

interface Settings {
  readonly issuer: string;
  readonly clientId: string;
  readonly scopes: readonly string[];
  readonly usePkce: boolean;
  /** Claims from the ID token instead of the userinfo endpoint (Apple has none). */
  readonly idTokenClaims: boolean;
  /** Apple answers with `response_mode=form_post` when it is asked for the name or email. */
  readonly formPost: boolean;
}

/**
 * OpenID Connect providers: generic OIDC and the named ones that speak it (Google, GitLab and
 * self-hosted GitLab, Apple). Authorization code flow with discovery, `state` (the intent id),
 * `nonce`, PKCE when the template asks for it, and ID token validation (signature with the
 * provider's keys, issuer, audience, expiry, nonce). Built on openid-client's own API rather than
 * its passport strategy: the strategy always sends PKCE and keeps state in a session, so it could
 * honour neither the template's `usePkce` nor an intent as the place the state lives.
 */
@Injectable()
export class OidcConnector implements RedirectConnector<OidcKind>, OnModuleInit {
  readonly kinds: readonly OidcKind[] = ['oidc', 'google', 'gitlab', 'gitlabSelfHosted', 'apple'];

  /**
   * Issuers' discovery documents and keys, for five minutes: a cache safe to lose (another
   * process, or this one after the five minutes, discovers again), so a sign-in does not fetch
   * the discovery document and the keys at its start and again at its finish.
   */
  private readonly metadata = new Map<
    string,
    { server: oc.ServerMetadata; jwks?: oc.ExportedJWKSCache; until: number }
  >();

  constructor(
    private readonly registry: IdpConnectors,
    private readonly outbound: OutboundHttp,
    private readonly endpoints: NamedEndpoints,
  ) {}

  onModuleInit(): void {
    this.registry.registerRedirect(this);
  }

  async start(
    template: OidcTemplate,
    secrets: IdpSecrets,
    ctx: ConnectorContext,
  ): Promise<{ start: { kind: 'redirect'; url: string }; flowState: Record<string, string> }> {
    const s = this.settings(template);
    const config = await this.configuration(template, secrets, s);
    const client = await openidClient();
    const flowState: Record<string, string> = { nonce: client.randomNonce() };
    const params: Record<string, string> = {
      redirect_uri: ctx.callbackUrl,
      scope: s.scopes.join(' '),
      state: ctx.state,
      nonce: flowState.nonce,
    };
    if (s.formPost) params.response_mode = 'form_post';
    if (s.usePkce) {
      flowState.codeVerifier = client.randomPKCECodeVerifier();
      params.code_challenge = await client.calculatePKCECodeChallenge(flowState.codeVerifier);
      params.code_challenge_method = 'S256';
    }
    return { start: { kind: 'redirect', url: client.buildAuthorizationUrl(config, params).href }, flowState };
  }

  async finish(
    template: OidcTemplate,
    secrets: IdpSecrets,
    flowState: Record<string, string>,
    callback: UpstreamCallback,
    ctx: ConnectorContext,
  ): Promise<IdpInformation> {
    const s = this.settings(template);
    const config = await this.configuration(template, secrets, s);
    const client = await openidClient();
    // The authorization response, from the query or (form_post) the body, read as a redirect URL.
    const current = new URL(ctx.callbackUrl);
    for (const [k, v] of [...callback.query, ...callback.body]) {
      if (k !== 'user') current.searchParams.set(k, v);
    }
    const tokens = await client.authorizationCodeGrant(config, current, {
      expectedState: ctx.state,
      expectedNonce: flowState.nonce,
      pkceCodeVerifier: s.usePkce ? flowState.codeVerifier : undefined,
      idTokenExpected: true,
    });
    // The keys that verified the ID token are kept with the metadata for the next sign-ins.
    this.remember(new URL(s.issuer).href, config, client.getJwksCache(config));
    const idClaims = tokens.claims() as Record<string, unknown> | undefined;
    if (!idClaims) throw new Error('the provider sent no ID token');
    const claims = s.idTokenClaims
      ? idClaims
      : ((await client.fetchUserInfo(config, tokens.access_token, String(idClaims.sub))) as Record<string, unknown>);
    const appleFirst =
      template.config.kind === 'apple' ? parseAppleUser(callback.body.get('user') ?? undefined) : undefined;
    return {
      user: this.user(template, claims, appleFirst),
      raw: appleFirst ? { ...claims, user: appleFirst } : claims,
      oauth: {
        accessToken: tokens.access_token,
        ...(tokens.id_token ? { idToken: tokens.id_token } : {}),
        ...(tokens.refresh_token ? { refreshToken: tokens.refresh_token } : {}),
      },
    };
  }

  private user(
    template: OidcTemplate,
    claims: Record<string, unknown>,
    appleFirst?: ReturnType<typeof parseAppleUser>,
  ): UpstreamUser {
    switch (template.config.kind) {
      case 'google':
        return googleUser(claims);
      case 'gitlab':
      case 'gitlabSelfHosted':
        return gitlabUser(claims);
      case 'apple':
        return appleUser(claims, appleFirst);
      case 'oidc':
        return standardClaimsUser(claims);
    }
  }

  private settings(template: OidcTemplate): Settings {
    const c = template.config;
    const withOpenId = (scopes: readonly string[], fallback: readonly string[]) => {
      const list = scopes.length ? [...scopes] : [...fallback];
      return list.includes('openid') ? list : ['openid', ...list];
    };
    switch (c.kind) {
      case 'oidc':
        return {
          issuer: c.issuer,
          clientId: c.clientId,
          scopes: withOpenId(c.scopes, ['openid']),
          usePkce: c.usePkce,
          idTokenClaims: c.isIdTokenMapping,
          formPost: false,
        };
      case 'google':
      case 'gitlab':
        return {
          issuer: this.endpoints.issuer(c.kind),
          clientId: c.clientId,
          scopes: withOpenId(c.scopes, DEFAULT_SCOPES),
          usePkce: false,
          idTokenClaims: false,
          formPost: false,
        };
      case 'gitlabSelfHosted':
        return {
          issuer: c.issuer,
          clientId: c.clientId,
          scopes: withOpenId(c.scopes, DEFAULT_SCOPES),
          usePkce: false,
          idTokenClaims: false,
          formPost: false,
        };
      case 'apple':
        return {
          issuer: this.endpoints.issuer('apple'),
          clientId: c.clientId,
          scopes: withOpenId(c.scopes, APPLE_DEFAULT_SCOPES),
          usePkce: false,
          idTokenClaims: true,
          formPost: true,
        };
    }
  }

  /**
   * The client for this template: the issuer's metadata (discovered through the outbound rules,
   * or from the cache) and the client's authentication at the token endpoint.
   */
  private async configuration(template: OidcTemplate, secrets: IdpSecrets, s: Settings): Promise<oc.Configuration> {
    const client = await openidClient();
    const c = template.config;
    const secret =
      c.kind === 'apple'
        ? await appleClientSecret({
            teamId: c.teamId,
            keyId: c.keyId,
            clientId: c.clientId,
            privateKeyPem: secrets.privateKey ?? '',
            audience: s.issuer,
          })
        : (secrets.clientSecret ?? '');
    const issuer = new URL(s.issuer);
    const fetch = this.outbound.asFetch(OUTBOUND) as oc.CustomFetch;
    // An http issuer is the operator's explicit choice (e.g. an upstream on the internal network).
    const insecure = issuer.protocol === 'http:';
    const cached = this.metadata.get(issuer.href);
    let config: oc.Configuration;
    if (cached && cached.until > Date.now()) {
      config = new client.Configuration(cached.server, s.clientId, undefined, client.ClientSecretPost(secret));
      config[client.customFetch] = fetch;
      if (insecure) client.allowInsecureRequests(config);
      if (cached.jwks) client.setJwksCache(config, cached.jwks);
    } else {
      config = await client.discovery(issuer, s.clientId, undefined, client.ClientSecretPost(secret), {
        [client.customFetch]: fetch,
        execute: insecure ? [client.allowInsecureRequests] : [],
      });
    }
    // As ZITADEL's relying party does, the ID token's signature is checked with the issuer's keys too
    // (openid-client alone would trust the token endpoint's TLS, and an http issuer has none).
    client.enableNonRepudiationChecks(config);
    this.remember(issuer.href, config, client.getJwksCache(config));
    return config;
  }

  /** Keeps the issuer's metadata and its keys (openid-client's JWKS cache) for the next sign-ins. */
  private remember(issuer: string, config: oc.Configuration, jwks: oc.ExportedJWKSCache | undefined): void {
    const earlier = this.metadata.get(issuer);
    const until = earlier && earlier.until > Date.now() ? earlier.until : Date.now() + METADATA_TTL_MS;
    this.metadata.delete(issuer);
    if (this.metadata.size >= METADATA_MAX_ISSUERS) this.metadata.delete(this.metadata.keys().next().value!);
    this.metadata.set(issuer, { server: config.serverMetadata(), jwks, until });
  }
}
