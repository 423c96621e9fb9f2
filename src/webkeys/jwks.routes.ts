import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { HttpRoutes, sendJson } from '../platform/http/http-routes.js';
import { sendOAuthError, sendOAuthFailure } from '../platform/http/oauth-answers.js';
import { LOGGER } from '../platform/logging/logger-token.js';
import { InstanceResolver } from '../platform/tenancy/instance-resolver.js';
import { SigningKeys } from './signing-keys.store.js';

export const JWKS_PATH = '/oauth/v2/keys';
/** As ZITADEL's keys endpoint: clients may cache five minutes, then must ask again. */
const CACHE_CONTROL = 'max-age=300, must-revalidate';

/** The public JWKS (RFC 7517 §5) of the instance the Host header names; no authentication. */
@Injectable()
export class JwksRoutes implements OnModuleInit {
  constructor(
    private readonly routes: HttpRoutes,
    private readonly resolver: InstanceResolver,
    private readonly keys: SigningKeys,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  onModuleInit(): void {
    this.routes.mount(JWKS_PATH, async (req, res) => {
      try {
        if (req.method !== 'GET' && req.method !== 'HEAD') {
          sendOAuthError(res, 405, 'invalid_request', 'the JWKS answers GET and HEAD', { allow: 'GET, HEAD' });
          return;
        }
        const { instance } = await this.resolver.resolveHttp(req.headers);
        sendJson(res, 200, await this.keys.jwks(instance.id), { 'cache-control': CACHE_CONTROL });
      } catch (err) {
        // An OAuth endpoint (RFC 7517 for the keys, at ZITADEL's /oauth/v2 path): its errors are OAuth-shaped.
        sendOAuthFailure(res, err, this.log);
      }
    });
  }
}
