import { Injectable, type OnModuleInit } from '@nestjs/common';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { randomToken } from '../../platform/crypto/master-key.js';
import { OutboundHttp } from '../../platform/http/outbound.js';
import type { ConfigOf, IdpSecrets, IdpTemplate } from '../idp-config.js';
import type { ConnectorContext, IdpInformation, RedirectConnector, UpstreamCallback } from './connector.js';
import { standardClaimsUser } from './oidc-claims.js';
import { IdpConnectors } from './registry.js';

type JwtTemplate = IdpTemplate & { config: ConfigOf<'jwt'> };

/** ZITADEL's query names on the way to the JWT endpoint and back. */
export const JWT_PARAMS = { intentId: 'authRequestID', userAgentId: 'userAgentID' } as const;
/** ZITADEL: a token older than an hour is refused, with three seconds of clock skew. */
const MAX_AGE_SECONDS = 3600;
const CLOCK_SKEW_SECONDS = 3;

/**
 * ZITADEL's JWT identity provider: the browser is sent to the operator's `jwtEndpoint` with
 * `authRequestID` (the intent id) and `userAgentID` (a random value bound to this intent); that
 * endpoint, typically a proxy in front of an existing session, sends the browser on to
 * `/idps/callback` with the same query and the user's JWT in the template's header. The JWT is
 * verified with the keys at `keysEndpoint` and must be issued by `issuer`, unexpired and at most
 * an hour old; its claims are the profile.
 */
@Injectable()
export class JwtConnector implements RedirectConnector<'jwt'>, OnModuleInit {
  readonly kinds = ['jwt'] as const;

  constructor(
    private readonly registry: IdpConnectors,
    private readonly outbound: OutboundHttp,
  ) {}

  onModuleInit(): void {
    this.registry.registerRedirect(this);
  }

  async start(
    template: JwtTemplate,
    _secrets: IdpSecrets,
    ctx: ConnectorContext,
  ): Promise<{ start: { kind: 'redirect'; url: string }; flowState: Record<string, string> }> {
    const userAgentId = randomToken(16);
    const url = new URL(template.config.jwtEndpoint);
    url.searchParams.set(JWT_PARAMS.intentId, ctx.state);
    url.searchParams.set(JWT_PARAMS.userAgentId, userAgentId);
    return { start: { kind: 'redirect', url: url.href }, flowState: { userAgentId } };
  }

  async finish(
    template: JwtTemplate,
    _secrets: IdpSecrets,
    flowState: Record<string, string>,
    callback: UpstreamCallback,
  ): Promise<IdpInformation> {
    const c = template.config;
    const given = callback.query.get(JWT_PARAMS.userAgentId) ?? callback.body.get(JWT_PARAMS.userAgentId);
    if (!given || given !== flowState.userAgentId) throw new Error('the userAgentID does not belong to this intent');
    const header = callback.headers?.[(c.headerName || 'authorization').toLowerCase()];
    const token = header?.replace(/^bearer\s+/i, '').trim();
    if (!token) throw new Error(`no token in the ${c.headerName || 'authorization'} header`);
    const res = await this.outbound.request(c.keysEndpoint, { timeoutMs: 10_000, maxBytes: 256 * 1024 });
    if (res.status !== 200) throw new Error(`the keys endpoint answered ${res.status}`);
    const keys = createLocalJWKSet(JSON.parse(res.body.toString('utf8')) as JSONWebKeySet);
    const { payload } = await jwtVerify(token, keys, {
      issuer: c.issuer,
      maxTokenAge: MAX_AGE_SECONDS,
      clockTolerance: CLOCK_SKEW_SECONDS,
      requiredClaims: ['sub'],
    });
    const claims = payload as Record<string, unknown>;
    return { user: standardClaimsUser(claims), raw: claims, oauth: { idToken: token } };
  }
}
