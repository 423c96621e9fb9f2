import type { ServerResponse } from 'node:http';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { DomainError } from '../platform/errors/domain-error.js';
import { HttpRoutes, readBody, sendText, type HttpRequest } from '../platform/http/http-routes.js';
import { LOGGER } from '../platform/logging/logger-token.js';
import { InstanceResolver } from '../platform/tenancy/instance-resolver.js';
import { CALLBACK_PATH, IntentsService } from './intents.service.js';

/** A callback's form body is a code, a state and (Apple) a small user object: far below this. */
const MAX_CALLBACK_BODY = 64 * 1024;

/**
 * `/idps/callback`, where OIDC, OAuth, JWT and the named providers send the browser back: GET, or
 * POST for `response_mode=form_post` (Apple). The intent is looked up in the instance of the
 * request's host only; the answer is a redirect to its success or failure URL.
 */
@Injectable()
export class IdpCallbackRoutes implements OnModuleInit {
  constructor(
    private readonly routes: HttpRoutes,
    private readonly resolver: InstanceResolver,
    private readonly intents: IntentsService,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  onModuleInit(): void {
    this.routes.mount(CALLBACK_PATH, async (req, res) => {
      try {
        if (req.method !== 'GET' && req.method !== 'POST') {
          (res as ServerResponse).setHeader('allow', 'GET, POST');
          sendText(res, 405, 'the callback answers GET and POST');
          return;
        }
        const site = await this.resolver.resolveHttp(req.headers);
        const url = new URL(req.url ?? '/', 'http://callback.invalid');
        const body = req.method === 'POST' ? await formBody(req) : new URLSearchParams();
        const headers: Record<string, string | undefined> = {};
        for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
        const location = await this.intents.callback({
          instanceId: site.instance.id,
          origin: site.origin,
          query: url.searchParams,
          body,
          headers,
        });
        (res as ServerResponse).writeHead(302, { location, 'cache-control': 'no-store' });
        res.end();
      } catch (err) {
        if (err instanceof DomainError) {
          sendText(
            res,
            err.kind === 'NotFound' || err.kind === 'InvalidArgument' ? 400 : 412,
            `${err.id}: ${err.message}`,
          );
          return;
        }
        this.log.error({ err }, 'the identity provider callback failed');
        sendText(res, 500, 'internal error');
      }
    });
  }
}

async function formBody(req: HttpRequest): Promise<URLSearchParams> {
  const type = String(req.headers['content-type'] ?? '');
  if (!type.startsWith('application/x-www-form-urlencoded')) return new URLSearchParams();
  return new URLSearchParams((await readBody(req, MAX_CALLBACK_BODY)).toString('utf8'));
}
