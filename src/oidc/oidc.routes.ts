import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { InstanceFeatures } from '../features/instance-features.js';
import { loginBase, NO_APP } from '../features/feature-flags.js';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type Provider from 'oidc-provider';
import { oidcLibrary } from './oidc-library.js';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { authorizeRedirectRefusal } from '../apps/oidc-rules.js';
import { Config } from '../platform/config/config.js';
import { MasterKey } from '../platform/crypto/master-key.js';
import { HttpRoutes, readBody, sendJson, type HttpRequest, type HttpResponse } from '../platform/http/http-routes.js';
import type { OAuthErrorCode } from '../platform/errors/error-mapping.js';
import { sendOAuthError, sendOAuthFailure } from '../platform/http/oauth-answers.js';
import { RateLimiter, instanceBucket, peerAddress, refuseIfRateLimited } from '../platform/http/rate-limit.js';
import { LOGGER } from '../platform/logging/logger-token.js';
import { InstanceResolver, type RequestSite } from '../platform/tenancy/instance-resolver.js';
import type { Instance } from '../platform/tenancy/instance.entity.js';
import { ClientAssertionRefusal } from './client-assertion.rules.js';
import { ClientAssertions } from './client-assertions.js';
import { GRANT_JWT_BEARER, OidcClients, factsOf } from './oidc-clients.js';
import { OidcAccounts } from './oidc-accounts.js';
import { errorPage } from './oidc-provider-pages.js';
import { OIDC_PATHS, OidcProviders } from './oidc-providers.js';
import { jwtProfileGrant } from './machine-grants.js';
import { MachineKeyObjects } from './machine-key-objects.js';
import { OrgQueries } from '../orgs/orgs.queries.js';
import { MachineCredentialsQueries } from '../users/credentials/machine-credentials.queries.js';
import { PatStrategy } from '../users/pat.strategy.js';
import { ProjectStore } from '../projects/projects.store.js';
import { jwtMarker } from './oidc-payloads.store.js';
import { FORM_POST_CALLBACK_PATH, takeFormPost } from './form-post-callbacks.js';
import { keptForBrowser, SEALED_LOGOUT_PARAM, sealedLogout, unsealedLogout } from './posted-browser-requests.js';
import { DpopRefusal, parseAuthorization, refusalHeaders } from './dpop.js';
import { checkSenderConstraint, tokenRequestProof } from './sender-constraint.js';
import {
  INTROSPECTION_HEADERS,
  type RequestFacts,
  TOKEN_HEADERS,
  activeIntrospection,
  basicCredentials,
  directClientCredentials,
  plainClientCredentials,
  plainIntrospection,
} from './direct-requests.js';
import { completedIntrospection } from './pat-introspection.js';

type KoaCallback = (req: HttpRequest, res: HttpResponse) => Promise<void>;

/** Endpoints where clients authenticate (RFC 6749 §2.3), so where a client assertion may come. */
const CLIENT_AUTH_PATHS = new Set<string>([
  OIDC_PATHS.token,
  OIDC_PATHS.introspection,
  OIDC_PATHS.revocation,
  OIDC_PATHS.pushed_authorization_request,
  OIDC_PATHS.device_authorization,
]);

/** oidc-provider reads at most this much of a request body (its own limit is 56 KiB). */
const BODY_LIMIT = 56 * 1024;

/**
 * oidc-provider builds every URL it answers (discovery's endpoints, redirects to the login) from
 * the request as Koa sees it, and it runs with `proxy` on, so Koa reads X-Forwarded-Host and
 * -Proto. Both are set here to the checked public origin, overwriting what the caller sent: the
 * endpoints are on the issuer's host, and no forwarded header of a caller reaches a URL.
 */
function pinOrigin(req: HttpRequest, origin: string): void {
  const url = new URL(origin);
  req.headers['x-forwarded-host'] = url.host;
  req.headers['x-forwarded-proto'] = url.protocol.slice(0, -1);
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** What decides, beside the form, whether a request is in the common form answered beside the provider. */
function requestFacts(req: HttpRequest): RequestFacts {
  return {
    url: req.url ?? '',
    contentType: headerValue(req.headers['content-type']),
    origin: headerValue(req.headers.origin),
    attested:
      req.headers['oauth-client-attestation'] !== undefined ||
      req.headers['oauth-client-attestation-pop'] !== undefined ||
      req.headers.dpop !== undefined,
  };
}

/** ZITADEL answers a refused redirect URI with a page, never by redirecting to it. */
function authorizationRefused(res: HttpResponse, description: string): void {
  (res as ServerResponse).writeHead(400, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(errorPage('invalid_request', description));
}

/** The client id a request names: its client_id, else the user of its Basic credentials (RFC 6749 §2.3.1). */
function presentedClientId(form: URLSearchParams, authorization: string | undefined): string | undefined {
  const fromForm = form.get('client_id');
  if (fromForm) return fromForm;
  const basic = /^basic (.+)$/i.exec(authorization ?? '')?.[1];
  if (!basic) return undefined;
  const user = Buffer.from(basic, 'base64').toString('utf8').split(':')[0];
  try {
    return decodeURIComponent(user.replace(/\+/g, '%20')) || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Browser endpoints whose requests may come by form POST as well as GET: authorization (OIDC Core
 * §3.1.2.1) and RP-initiated logout (RP-Initiated Logout 1.0 §2), which ZITADEL's endpoints read
 * from the form either way.
 */
const BROWSER_FORM_PATHS: ReadonlySet<string> = new Set([OIDC_PATHS.authorization, OIDC_PATHS.end_session]);

/** A browser endpoint's POSTed form, or undefined once the request has been refused. */
async function browserForm(req: HttpRequest, res: HttpResponse): Promise<URLSearchParams | undefined> {
  const body = await readBody(req, BODY_LIMIT).catch(() => undefined);
  if (!body) {
    tooLarge(res);
    return undefined;
  }
  if (!(headerValue(req.headers['content-type']) ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    authorizationRefused(res, 'a request by POST to this endpoint is an application/x-www-form-urlencoded form');
    return undefined;
  }
  return new URLSearchParams(body.toString('utf8'));
}

/**
 * A browser request by POST goes on as the same request by GET (an authorization request's
 * parameters kept server-side, see keptForBrowser). The provider serves POST only with
 * its session cookie SameSite=None, which a cross-site form POST needs to carry it; the GET that a
 * 303 makes of it is a top-level navigation, which carries the SameSite=Lax cookie, so a browser
 * signed in already keeps its single sign-on (and a logout finds the session it ends).
 */
function seeOtherAsGet(res: HttpResponse, location: string): void {
  (res as ServerResponse).writeHead(303, { location, 'cache-control': 'no-store' });
  res.end();
}

function tooLarge(res: HttpResponse): void {
  sendOAuthError(res, 413, 'invalid_request', 'the request body is too large');
}

/**
 * oidc-provider drops `offline_access` unless the request has `prompt=consent` (OIDC Core
 * §11); ZITADEL issues refresh tokens for it without. Every request reaches the login anyway, so
 * asking for consent there changes nothing but keeps the scope; `prompt=none` is left alone.
 * Changes `params` (an authorization request's, or a pushed one's); true when it did.
 */
export function addOfflineConsent(params: URLSearchParams): boolean {
  const scope = (params.get('scope') ?? '').split(' ');
  const prompt = params.get('prompt');
  if (
    !scope.includes('offline_access') ||
    prompt?.split(' ').includes('consent') ||
    prompt?.split(' ').includes('none')
  )
    return false;
  params.set('prompt', prompt ? `${prompt} consent` : 'consent');
  return true;
}

export function withOfflineConsent(url: string): string {
  const parsed = new URL(url, 'http://x');
  return addOfflineConsent(parsed.searchParams) ? parsed.pathname + parsed.search : url;
}

/**
 * The OIDC/OAuth endpoints at ZITADEL's paths. oidc-provider serves them, per instance and
 * issuer; around it, Portcullis answers what it does differently: userinfo in ZITADEL's claim
 * shapes (for every access token, opaque or JWT), the JWT profile grant (no client
 * authentication), client assertions by ZITADEL's rules (ClientAssertions), the device
 * verification page (the login UI's), and a per-IP rate limit on the token endpoint. The JWKS (`/oauth/v2/keys`) is the web keys module's.
 */
@Injectable()
export class OidcRoutes implements OnModuleInit {
  constructor(
    private readonly routes: HttpRoutes,
    private readonly resolver: InstanceResolver,
    private readonly providers: OidcProviders,
    private readonly accounts: OidcAccounts,
    private readonly limiter: RateLimiter,
    private readonly dataSource: DataSource,
    private readonly machines: MachineCredentialsQueries,
    private readonly orgs: OrgQueries,
    private readonly config: Config,
    private readonly masterKey: MasterKey,
    private readonly assertions: ClientAssertions,
    private readonly clients: OidcClients,
    @Inject(LOGGER) private readonly log: Logger,
    private readonly features: InstanceFeatures,
    private readonly keyObjects: MachineKeyObjects,
    private readonly pats: PatStrategy,
    private readonly projects: ProjectStore,
  ) {}

  onModuleInit(): void {
    const handle = (req: HttpRequest, res: HttpResponse) => this.handle(req, res);
    this.routes.mount('/.well-known/openid-configuration', handle);
    this.routes.mount('/.well-known/oauth-authorization-server', handle);
    this.routes.mount('/oauth/v2', handle);
    this.routes.mount('/oidc/v1', handle);
  }

  /**
   * Every failure here, an unknown host included, is answered as OAuth errors are (RFC 6749
   * §5.2): OAuth clients read `error`, not the API's `code`. The provider answers its own the same way.
   */
  private async handle(req: HttpRequest, res: HttpResponse): Promise<void> {
    try {
      await this.serve(await this.resolver.resolveHttp(req.headers), req, res);
    } catch (err) {
      sendOAuthFailure(res, err, this.log);
    }
  }

  private async serve(site: RequestSite, req: HttpRequest, res: HttpResponse): Promise<void> {
    const { instance, origin: issuer } = site;
    pinOrigin(req, issuer);
    const provider = await this.providers.forIssuer(instance, issuer);
    const path = new URL(req.url ?? '/', 'http://x').pathname;

    if (path === '/.well-known/oauth-authorization-server') req.url = '/.well-known/openid-configuration';
    if (path === OIDC_PATHS.code_verification && req.method === 'GET')
      return this.deviceVerification(instance, req, res);
    if (path === OIDC_PATHS.userinfo) return this.userinfo(instance, provider, req, res);
    if (path === FORM_POST_CALLBACK_PATH && req.method === 'GET') return this.formPostCallback(instance, req, res);
    if (path === OIDC_PATHS.authorization && req.method === 'GET') {
      req.url = withOfflineConsent(req.url ?? '/');
      const params = new URL(req.url, 'http://x').searchParams;
      const refusal = await this.redirectRefusal(instance, params, params.get('client_id'));
      if (refusal) return authorizationRefused(res, refusal);
    }
    if (req.method === 'POST' && BROWSER_FORM_PATHS.has(path)) {
      const params = await browserForm(req, res);
      if (!params) return;
      if (path === OIDC_PATHS.authorization) {
        const refusal = await this.redirectRefusal(instance, params, params.get('client_id'));
        if (refusal) return authorizationRefused(res, refusal);
        addOfflineConsent(params);
        const kept = (await this.keepsPostedRequest(instance, params))
          ? await keptForBrowser(provider, params)
          : undefined;
        return seeOtherAsGet(res, `${path}?${kept ?? params}`);
      }
      return seeOtherAsGet(res, `${path}?${sealedLogout(this.masterKey, instance.id, params)}`);
    }
    if (path === OIDC_PATHS.end_session && req.method === 'GET') {
      const sealed = new URL(req.url ?? '/', 'http://x').searchParams.get(SEALED_LOGOUT_PARAM);
      if (sealed !== null) {
        const form = unsealedLogout(this.masterKey, instance.id, sealed);
        if (!form) return authorizationRefused(res, 'the sign-out request has expired: sign out again');
        req.url = `${path}?${form}`;
      }
    }
    if (req.method === 'POST' && CLIENT_AUTH_PATHS.has(path)) {
      if (
        path === OIDC_PATHS.token &&
        refuseIfRateLimited(this.limiter, instanceBucket('token', instance.id), peerAddress(req), res, {
          error: 'slow_down',
          error_description: 'too many token requests from this address, retry later',
        })
      )
        return;
      const body = await readBody(req, BODY_LIMIT).catch(() => undefined);
      if (!body) return tooLarge(res);
      const form = new URLSearchParams(body.toString('utf8'));
      if (path === OIDC_PATHS.token && form.get('grant_type') === GRANT_JWT_BEARER)
        return this.jwtProfile(instance, provider, req, form, res);
      const relayed = await this.assertions.relay(
        { instanceId: instance.id, issuer: provider.issuer, endpoint: `${provider.issuer}${path}` },
        form,
      );
      if (relayed instanceof ClientAssertionRefusal) return sendOAuthError(res, 401, relayed.error, relayed.message);
      if (path === OIDC_PATHS.pushed_authorization_request) {
        const refusal = await this.redirectRefusal(
          instance,
          form,
          relayed?.clientId ?? presentedClientId(form, req.headers.authorization),
        );
        if (refusal) return sendOAuthError(res, 400, 'invalid_request', refusal);
      }
      const offline = path === OIDC_PATHS.pushed_authorization_request && addOfflineConsent(form);
      const jwt =
        (path === OIDC_PATHS.introspection || path === OIDC_PATHS.revocation) &&
        (await this.jwtAsStoredId(instance, form));
      // oidc-provider reads an already-consumed body from req.body.
      (req as { body?: Buffer }).body = relayed || offline || jwt ? Buffer.from(form.toString(), 'utf8') : body;
      if (await this.answeredBesideProvider(path, instance, provider, req, form, res)) return;
    }
    return this.callback(provider)(req, res);
  }

  /**
   * ZITADEL's refusal of the redirect URI of an authorization request (or a pushed one), or
   * undefined; requests by reference (request_uri, request) were checked when pushed, and unknown
   * clients are the provider's to answer.
   */
  private async redirectRefusal(
    instance: Instance,
    params: URLSearchParams,
    clientId: string | null | undefined,
  ): Promise<string | undefined> {
    if (!clientId || params.has('request_uri') || params.has('request')) return undefined;
    const app = await this.clients.authorizeClient(instance.id, clientId);
    return (
      app &&
      authorizeRedirectRefusal(app, params.get('redirect_uri') ?? undefined, params.get('response_type') ?? undefined)
    );
  }

  /**
   * Whether a posted authorization request is kept server-side (keptForBrowser): only for an app
   * of the instance (nothing is stored for a client that does not exist), and not where every
   * request must be pushed (an unauthenticated post is not made into a pushed request there).
   */
  private async keepsPostedRequest(instance: Instance, params: URLSearchParams): Promise<boolean> {
    const clientId = params.get('client_id');
    if (this.config.oidcRequirePar === 'true' || !clientId) return false;
    return (await this.clients.authorizeClient(instance.id, clientId)) !== undefined;
  }

  /**
   * oidc-provider refuses JWTs at introspection and revocation (it cannot look them up); ours are
   * stored (see OidcProviders.customize), so a verified JWT access token of the instance is
   * handed over as its marker (see jwtMarker), and introspection (RFC 7662) and revocation
   * (RFC 7009) work for it. A JWT the instance cannot verify (another instance's, another
   * issuer's) or one that is no stored access token (an ID token) is a token this server does
   * not know: inactive (RFC 7662 §2.2) and nothing to revoke (RFC 7009 §2.2), never an error
   * that tells it apart. Changes `form`; true when it did.
   */
  private async jwtAsStoredId(instance: Instance, form: URLSearchParams): Promise<boolean> {
    const token = form.get('token');
    if (!token || !/^[\w-]+\.[\w-]+\.[\w-]*$/.test(token)) return false;
    const jti = await this.providers.verifiedJwtId(instance.id, token);
    form.set('token', jwtMarker(this.masterKey, jti ?? `unknown-${randomUUID()}`));
    return true;
  }

  private callback(provider: Provider): KoaCallback {
    return this.providers.handlerOf(provider) as unknown as KoaCallback;
  }

  private async jwtProfile(
    instance: Instance,
    provider: Provider,
    req: HttpRequest,
    form: URLSearchParams,
    res: HttpResponse,
  ): Promise<void> {
    const headers: Record<string, string> = { 'cache-control': 'no-store', pragma: 'no-cache' };
    const proveKey = (clientId: string) =>
      tokenRequestProof(
        provider,
        this.providers.dpopNonces(instance.id),
        { proof: headerValue(req.headers.dpop), htm: 'POST', htu: `${provider.issuer}${OIDC_PATHS.token}`, clientId },
        (nonce) => (headers['dpop-nonce'] = nonce),
      );
    try {
      sendJson(
        res,
        200,
        await jwtProfileGrant(
          provider,
          { machines: this.machines, orgs: this.orgs, keyObjects: this.keyObjects },
          instance.id,
          form,
          proveKey,
        ),
        headers,
      );
    } catch (err) {
      // oidc-provider's errors carry the RFCs' own codes (its types just say string).
      if (err instanceof oidcLibrary().errors.OIDCProviderError)
        return sendOAuthError(
          res,
          err.statusCode,
          err.error as OAuthErrorCode,
          err.error_description ?? err.message,
          headers,
        );
      return sendOAuthFailure(res, err, this.log, headers);
    }
  }

  /**
   * Introspection and a machine user's client_credentials token in their common form (Basic
   * auth, the endpoint's own fields, no DPoP proof), answered without the provider's Koa stack
   * (see direct-requests.ts); false when the provider is to answer.
   */
  private async answeredBesideProvider(
    path: string,
    instance: Instance,
    provider: Provider,
    req: HttpRequest,
    form: URLSearchParams,
    res: HttpResponse,
  ): Promise<boolean> {
    const credentials = basicCredentials(headerValue(req.headers.authorization));
    if (!credentials) return false;
    if (path === OIDC_PATHS.introspection) {
      const plain = plainIntrospection(form, requestFacts(req));
      const found = plain && (await activeIntrospection(provider, credentials, plain));
      if (!found) return false;
      // What the provider's answer gets after it (completeIntrospection): claims, or a PAT's answer.
      const deps = {
        instance,
        pats: this.pats,
        projects: this.projects,
        reader: this.dataSource.manager,
        accounts: this.accounts,
      };
      sendJson(
        res,
        200,
        await completedIntrospection(deps, found.client, found.body, plain.token, provider.issuer),
        INTROSPECTION_HEADERS,
      );
      return true;
    }
    const plain = path === OIDC_PATHS.token && plainClientCredentials(form, requestFacts(req));
    const issued = plain && (await directClientCredentials(provider, instance.id, credentials, plain));
    if (!issued) return false;
    sendJson(res, 200, issued, TOKEN_HEADERS);
    return true;
  }

  /** A form_post answer CreateCallback prepared, served once (it carries the code). */
  private async formPostCallback(instance: Instance, req: HttpRequest, res: HttpResponse): Promise<void> {
    const handle = new URL(req.url ?? '/', 'http://x').searchParams.get('id') ?? '';
    const page = await takeFormPost(this.dataSource, this.masterKey, instance.id, handle);
    const headers: Record<string, string> = {
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
    };
    if (!page) {
      (res as ServerResponse).writeHead(400, { ...headers, 'content-type': 'text/html; charset=utf-8' });
      res.end(errorPage('invalid_request', 'this sign-in answer was already used or has expired'));
      return;
    }
    if (page.contentSecurityPolicy) headers['content-security-policy'] = page.contentSecurityPolicy;
    (res as ServerResponse).writeHead(200, { ...headers, 'content-type': 'text/html; charset=utf-8' });
    res.end(page.html);
  }

  /**
   * The verification URI of device codes is the login UI's device page (`<login>/device`): the
   * instance's login v2 when it requires one, else the server's own login.
   */
  private async deviceVerification(instance: Instance, req: HttpRequest, res: HttpResponse): Promise<void> {
    const userCode = new URL(req.url ?? '/', 'http://x').searchParams.get('user_code');
    const { loginV2 } = await this.features.of(instance.id);
    const base = loginBase(loginV2?.value, NO_APP, this.config.loginUiUrl);
    const target = `${base.replace(/\/$/, '')}/device${userCode ? `?user_code=${encodeURIComponent(userCode)}` : ''}`;
    (res as ServerResponse).writeHead(302, { location: target, 'cache-control': 'no-store' });
    res.end();
  }

  /**
   * OIDC userinfo for any access token of the instance with the openid scope, GET or POST, token
   * in the Authorization header or (POST) the form; claims in ZITADEL's shapes. A DPoP-bound
   * token only as `Authorization: DPoP` with a proof of its key for this request (RFC 9449 §7).
   */
  private async userinfo(instance: Instance, provider: Provider, req: HttpRequest, res: HttpResponse): Promise<void> {
    const cors: Record<string, string> = {
      'access-control-allow-origin': '*',
      'cache-control': 'no-store',
      'access-control-expose-headers': 'www-authenticate, dpop-nonce',
    };
    if (req.method === 'OPTIONS') {
      (res as ServerResponse).writeHead(204, {
        ...cors,
        'access-control-allow-headers': 'authorization, dpop',
        'access-control-allow-methods': 'GET, POST',
      });
      res.end();
      return;
    }
    if (req.method !== 'GET' && req.method !== 'POST')
      return sendOAuthError(res, 405, 'invalid_request', 'userinfo answers GET and POST', { allow: 'GET, POST' });
    const fromHeader = parseAuthorization(req.headers.authorization, headerValue(req.headers.dpop));
    let presented = fromHeader;
    if (!presented && req.method === 'POST') {
      const body = await readBody(req, BODY_LIMIT).catch(() => undefined);
      if (!body) return tooLarge(res);
      const token = new URLSearchParams(body.toString('utf8')).get('access_token');
      if (token)
        presented = { scheme: 'bearer', token, ...(req.headers.dpop ? { proof: headerValue(req.headers.dpop) } : {}) };
    }
    const unauthorized = (description: string) =>
      sendOAuthError(res, 401, 'invalid_token', description, {
        ...cors,
        'www-authenticate': `Bearer realm="${provider.issuer}", error="invalid_token", error_description="${description}"`,
      });
    const refused = (refusal: DpopRefusal) =>
      sendOAuthError(res, refusal.error === 'invalid_request' ? 400 : 401, refusal.error, refusal.description, {
        ...cors,
        ...refusalHeaders(refusal, provider.issuer),
      });
    if (!presented)
      return unauthorized('no access token (send Authorization: Bearer <token>, or DPoP <token> with a DPoP proof)');
    const accessToken = await provider.AccessToken.find(presented.token);
    if (!accessToken?.accountId) {
      return presented.scheme === 'dpop'
        ? refused(new DpopRefusal('invalid_token', 'the access token is invalid, expired or revoked'))
        : unauthorized('the access token is invalid, expired or revoked');
    }
    let nextNonce: string | undefined;
    try {
      ({ nextNonce } = await checkSenderConstraint(
        provider,
        this.providers.dpopNonces(instance.id),
        accessToken,
        presented,
        { htm: req.method, htu: `${provider.issuer}${OIDC_PATHS.userinfo}` },
      ));
    } catch (err) {
      if (err instanceof DpopRefusal) return refused(err);
      throw err;
    }
    if (nextNonce) Object.assign(cors, { 'dpop-nonce': nextNonce });
    if (!accessToken.scopes.has('openid')) {
      return sendOAuthError(res, 403, 'insufficient_scope', 'the access token lacks the openid scope', {
        ...cors,
        'www-authenticate': 'Bearer error="insufficient_scope", scope="openid"',
      });
    }
    const client = accessToken.clientId ? await provider.Client.find(accessToken.clientId) : undefined;
    const facts = factsOf(client);
    const claims = await this.accounts.userinfo(
      instance.id,
      accessToken.accountId,
      accessToken.scope ?? '',
      facts?.projectId,
      !!facts && (facts.projectRoleAssertion || facts.accessTokenRoleAssertion),
      instance,
    );
    if (!claims) return unauthorized('the user of the access token is no longer active');
    sendJson(res, 200, claims, cors);
  }
}
