import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DomainError } from '../platform/errors/domain-error.js';
import { toRestError } from '../platform/errors/wire-errors.js';
import { HttpRoutes, sendJson } from '../platform/http/http-routes.js';
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
  ) {}

  onModuleInit(): void {
    this.routes.mount(JWKS_PATH, async (req, res) => {
      try {
        if (req.method !== 'GET' && req.method !== 'HEAD') {
          sendJson(res, 405, { error: 'method_not_allowed' }, { allow: 'GET, HEAD' });
          return;
        }
        const { instance } = await this.resolver.resolveHttp(req.headers);
        sendJson(res, 200, await this.keys.jwks(instance.id), { 'cache-control': CACHE_CONTROL });
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        const { status, body } = toRestError(err);
        sendJson(res, status, body);
      }
    });
  }
}
