import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { Strategy } from 'passport';
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
import { NamedEndpoints, type OAuthEndpoints } from './named-endpoints.js';
import { azureAdUser, githubUser, type GithubEmail } from './named-mappings.js';
import { standardClaimsUser } from './oidc-claims.js';
import { intentStateStore, routeThroughOutbound, runStrategy, strategyRequest } from './passport-adapter.js';
import { IdpConnectors } from './registry.js';

/** The OAuth strategies, loaded when an OAuth-kind provider is first used. */
const githubStrategy = lazyModule(async () => (await import('passport-github2')).Strategy);
const oauth2Strategy = lazyModule(async () => (await import('passport-oauth2')).Strategy);

export type OAuthKind = 'oauth' | 'github' | 'githubEs' | 'azureAd';
type OAuthTemplate = IdpTemplate & { config: ConfigOf<OAuthKind> };

/** ZITADEL's scopes when a template names none. */
const DEFAULT_SCOPES: Record<OAuthKind, readonly string[]> = {
  oauth: [],
  github: ['user:email'],
  githubEs: ['user:email'],
  azureAd: ['openid', 'profile', 'email', 'User.Read'],
};

/** What the verify callback hands back: the tokens and whatever profile the strategy loaded. */
interface Verified {
  readonly accessToken: string;
  readonly refreshToken?: string;
  readonly params: Record<string, unknown>;
  readonly profile: Record<string, unknown>;
}

/**
 * OAuth 2.0 providers through passport strategies, one per kind: generic OAuth and Azure AD
 * (Microsoft Graph for the user) on passport-oauth2, GitHub and GitHub Enterprise Server on
 * passport-github2. The intent id is the `state`; the PKCE verifier lives in the intent's sealed
 * flow state (see intentStateStore); the strategies' HTTP calls go through the outbound rules.
 */
@Injectable()
export class OAuthConnector implements RedirectConnector<OAuthKind>, OnModuleInit {
  readonly kinds: readonly OAuthKind[] = ['oauth', 'github', 'githubEs', 'azureAd'];

  constructor(
    private readonly registry: IdpConnectors,
    private readonly outbound: OutboundHttp,
    private readonly endpoints: NamedEndpoints,
  ) {}

  onModuleInit(): void {
    this.registry.registerRedirect(this);
  }

  async start(
    template: OAuthTemplate,
    secrets: IdpSecrets,
    ctx: ConnectorContext,
  ): Promise<{ start: { kind: 'redirect'; url: string }; flowState: Record<string, string> }> {
    const flow: Record<string, string> = {};
    const outcome = await runStrategy(await this.strategy(template, secrets, ctx), strategyRequest(ctx.state, flow));
    if (outcome.kind === 'redirect') return { start: { kind: 'redirect', url: outcome.url }, flowState: flow };
    throw outcome.kind === 'error' ? outcome.error : new Error('the strategy did not redirect to the provider');
  }

  async finish(
    template: OAuthTemplate,
    secrets: IdpSecrets,
    flowState: Record<string, string>,
    callback: UpstreamCallback,
    ctx: ConnectorContext,
  ): Promise<IdpInformation> {
    const outcome = await runStrategy(
      await this.strategy(template, secrets, ctx),
      strategyRequest(ctx.state, { ...flowState }, callback),
    );
    if (outcome.kind === 'error')
      throw outcome.error instanceof Error ? outcome.error : new Error(String(outcome.error));
    if (outcome.kind !== 'success') {
      const message = (outcome.kind === 'fail' && (outcome.challenge as { message?: string })?.message) || outcome.kind;
      throw new Error(`the provider's answer was refused: ${message}`);
    }
    const v = outcome.user as Verified;
    const idToken = typeof v.params.id_token === 'string' ? v.params.id_token : undefined;
    const { user, raw } = this.user(template, v.profile);
    return {
      user,
      raw,
      oauth: {
        accessToken: v.accessToken,
        ...(idToken ? { idToken } : {}),
        ...(v.refreshToken ? { refreshToken: v.refreshToken } : {}),
      },
    };
  }

  private user(
    template: OAuthTemplate,
    profile: Record<string, unknown>,
  ): { user: UpstreamUser; raw: Record<string, unknown> } {
    const c = template.config;
    switch (c.kind) {
      case 'oauth':
        return { user: standardClaimsUser(profile, c.idAttribute), raw: profile };
      case 'azureAd':
        return { user: azureAdUser(profile, c.emailVerified), raw: profile };
      case 'github':
      case 'githubEs': {
        const json = (profile._json ?? {}) as Record<string, unknown>;
        const emails = ((profile.emails ?? []) as { value: string; primary?: boolean; verified?: boolean }[]).map(
          (e): GithubEmail => ({ email: e.value, primary: Boolean(e.primary), verified: Boolean(e.verified) }),
        );
        return { user: githubUser(json, emails), raw: json };
      }
    }
  }

  private async strategy(template: OAuthTemplate, secrets: IdpSecrets, ctx: ConnectorContext): Promise<Strategy> {
    const c = template.config;
    const scopes = c.scopes.length ? [...c.scopes] : [...DEFAULT_SCOPES[c.kind]];
    const verify = (
      accessToken: string,
      refreshToken: string | undefined,
      params: Record<string, unknown>,
      profile: Record<string, unknown>,
      done: (err: unknown, user?: Verified) => void,
    ) => done(null, { accessToken, refreshToken: refreshToken || undefined, params, profile });
    const common = {
      clientID: c.clientId,
      clientSecret: secrets.clientSecret ?? '',
      callbackURL: ctx.callbackUrl,
      scope: scopes,
      scopeSeparator: ' ',
      store: intentStateStore as never,
      pkce: c.kind === 'oauth' && c.usePkce ? ('S256' as const) : (false as const),
      state: true,
    };
    let strategy: Strategy;
    if (c.kind === 'github' || c.kind === 'githubEs') {
      const e =
        c.kind === 'github'
          ? this.endpoints.github()
          : {
              authorizationEndpoint: c.authorizationEndpoint,
              tokenEndpoint: c.tokenEndpoint,
              userEndpoint: c.userEndpoint,
              emailsEndpoint: `${c.userEndpoint.replace(/\/$/, '')}/emails`,
            };
      const GithubStrategy = await githubStrategy();
      strategy = new GithubStrategy(
        {
          ...common,
          authorizationURL: e.authorizationEndpoint,
          tokenURL: e.tokenEndpoint,
          userProfileURL: e.userEndpoint,
          userEmailURL: e.emailsEndpoint,
          allRawEmails: true,
        } as never,
        verify as never,
      ) as unknown as Strategy;
    } else {
      const e: OAuthEndpoints = c.kind === 'azureAd' ? this.endpoints.azureAd(c.tenant) : c;
      const OAuth2Strategy = await oauth2Strategy();
      const oauth2 = new OAuth2Strategy(
        { ...common, authorizationURL: e.authorizationEndpoint, tokenURL: e.tokenEndpoint } as never,
        verify as never,
      );
      // The user endpoint's JSON is the profile (ZITADEL reads the id attribute, or Graph's `me`, from it).
      const http = (oauth2 as unknown as { _oauth2: NodeOAuth2Get })._oauth2;
      oauth2.userProfile = (accessToken, done) => {
        http.get(e.userEndpoint, accessToken, (err, body) => {
          if (err) return done(new Error(`the user endpoint answered ${statusOf(err)}`));
          try {
            done(null, JSON.parse(String(body)) as never);
          } catch {
            done(new Error('the user endpoint did not answer JSON'));
          }
        });
      };
      strategy = oauth2 as unknown as Strategy;
    }
    routeThroughOutbound(strategy, this.outbound);
    return strategy;
  }
}

/** The GET of the `oauth` package's OAuth2 client that passport-oauth2 holds. */
interface NodeOAuth2Get {
  get(url: string, accessToken: string, callback: (err: unknown, body?: string | Buffer) => void): void;
}

const statusOf = (err: unknown): string => String((err as { statusCode?: number }).statusCode ?? err);
