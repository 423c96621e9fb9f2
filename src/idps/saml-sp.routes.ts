import type { ServerResponse } from 'node:http';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { DomainError } from '../platform/errors/domain-error.js';
import { HttpRoutes, readBody, sendText, type HttpRequest } from '../platform/http/http-routes.js';
import { LOGGER } from '../platform/logging/logger-token.js';
import { InstanceResolver } from '../platform/tenancy/instance-resolver.js';
import { IntentsService } from './intents.service.js';
import { SamlSpService } from './saml-sp.service.js';

/** A posted SAML Response (base64 XML, signatures, certificates, attributes) stays far below this. */
const MAX_ACS_BODY = 1024 * 1024;
const SAML_SP_PATH = /^\/idps\/([^/]+)\/saml\/(acs|metadata)$/;

/**
 * ZITADEL's per-provider SAML endpoints: `/idps/{id}/saml/metadata` (our SP metadata, GET) and
 * `/idps/{id}/saml/acs` (the assertion consumer service, HTTP-POST: SAML profiles §4.1.2 forbids
 * the Redirect binding for responses). The ACS answers like `/idps/callback`: a redirect to the
 * intent's success or failure URL.
 */
@Injectable()
export class SamlSpRoutes implements OnModuleInit {
  constructor(
    private readonly routes: HttpRoutes,
    private readonly resolver: InstanceResolver,
    private readonly intents: IntentsService,
    private readonly sp: SamlSpService,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  onModuleInit(): void {
    // The longest prefix wins, so `/idps/callback` keeps its own handler.
    this.routes.mount('/idps', (req, res) => this.handle(req, res as ServerResponse));
  }

  private async handle(req: HttpRequest, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'http://idps.invalid');
      const match = SAML_SP_PATH.exec(url.pathname);
      if (!match) {
        sendText(res, 404, 'not found');
        return;
      }
      const idpId = decodeURIComponent(match[1]);
      const site = await this.resolver.resolveHttp(req.headers);
      if (match[2] === 'metadata') {
        if (req.method !== 'GET' && req.method !== 'HEAD') return methodNotAllowed(res, 'GET, HEAD');
        const xml = await this.sp.metadata(site.instance.id, idpId, site.origin);
        res.writeHead(200, { 'content-type': 'application/samlmetadata+xml; charset=utf-8' });
        res.end(req.method === 'HEAD' ? undefined : xml);
        return;
      }
      if (req.method !== 'POST') return methodNotAllowed(res, 'POST');
      const headers: Record<string, string | undefined> = {};
      for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      const location = await this.intents.callback({
        instanceId: site.instance.id,
        origin: site.origin,
        idpId,
        query: url.searchParams,
        body: await formBody(req),
        headers,
      });
      res.writeHead(302, { location, 'cache-control': 'no-store' });
      res.end();
    } catch (err) {
      if (err instanceof DomainError) {
        const status = err.kind === 'NotFound' ? 404 : err.kind === 'InvalidArgument' ? 400 : 412;
        sendText(res, status, `${err.id}: ${err.message}`);
        return;
      }
      this.log.error({ err }, 'the SAML service provider endpoint failed');
      sendText(res, 500, 'internal error');
    }
  }
}

function methodNotAllowed(res: ServerResponse, allow: string): void {
  res.setHeader('allow', allow);
  sendText(res, 405, `this endpoint answers ${allow}`);
}

async function formBody(req: HttpRequest): Promise<URLSearchParams> {
  const type = String(req.headers['content-type'] ?? '');
  if (!type.startsWith('application/x-www-form-urlencoded')) return new URLSearchParams();
  return new URLSearchParams((await readBody(req, MAX_ACS_BODY)).toString('utf8'));
}
