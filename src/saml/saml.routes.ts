import type { ServerResponse } from 'node:http';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DomainError } from '../platform/errors/domain-error.js';
import { toRestError } from '../platform/errors/wire-errors.js';
import { HttpRoutes, readBody, type HttpRequest, type HttpResponse } from '../platform/http/http-routes.js';
import { InstanceResolver } from '../platform/tenancy/instance-resolver.js';
import { SamlLoginService, type InboundMessage, type Site } from './saml-login.service.js';
import { SamlLogoutService } from './saml-logout.service.js';
import { autoPostPage, errorPage, type Delivery } from './saml-xml.js';

export const SAML_PREFIX = '/saml/v2';
const NO_STORE = { 'cache-control': 'no-store' };

/** A refusal of the HTTP exchange itself (method, media type, size), before any SAML is read. */
class HttpRefusal extends Error {
  constructor(
    readonly id: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

function send(res: HttpResponse, status: number, body: string, headers: Record<string, string>): void {
  (res as ServerResponse).writeHead(status, { 'content-length': Buffer.byteLength(body).toString(), ...headers });
  res.end(body);
}

function sendDelivery(res: HttpResponse, delivery: Delivery): void {
  if (delivery.binding === 'redirect') {
    (res as ServerResponse).writeHead(302, { location: delivery.url, ...NO_STORE });
    res.end();
    return;
  }
  send(res, 200, autoPostPage(delivery.url, delivery.fields), {
    'content-type': 'text/html; charset=utf-8',
    ...NO_STORE,
  });
}

/**
 * ZITADEL's SAML IdP endpoints on the instance the Host header names: metadata, certificate,
 * SSO and SLO (HTTP-Redirect and HTTP-POST). Browser-facing, so refusals are HTML pages with the
 * reason and its id, never a stack trace.
 */
@Injectable()
export class SamlRoutes implements OnModuleInit {
  constructor(
    private readonly routes: HttpRoutes,
    private readonly resolver: InstanceResolver,
    private readonly login: SamlLoginService,
    private readonly logout: SamlLogoutService,
  ) {}

  onModuleInit(): void {
    this.routes.mount(SAML_PREFIX, (req, res) => this.handle(req, res));
  }

  private async handle(req: HttpRequest, res: HttpResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'http://placeholder');
      const path = url.pathname.slice(SAML_PREFIX.length);
      const site = await this.site(req);
      const method = req.method ?? 'GET';
      const read = method === 'GET' || method === 'HEAD';
      switch (path) {
        case '/metadata':
          if (!read) return this.notAllowed(res, 'GET, HEAD');
          return send(res, 200, await this.login.metadata(site), {
            'content-type': 'application/samlmetadata+xml; charset=utf-8',
          });
        case '/certificate':
          if (!read) return this.notAllowed(res, 'GET, HEAD');
          return send(res, 200, await this.login.certificate(site), {
            'content-type': 'application/x-pem-file',
            'content-disposition': 'attachment; filename="certificate.crt"',
          });
        case '/SSO': {
          const outcome = await this.login.receiveAuthnRequest(site, await this.inbound(req, url, method));
          if (outcome.kind === 'deliver') return sendDelivery(res, outcome.delivery);
          (res as ServerResponse).writeHead(302, { location: outcome.location, ...NO_STORE });
          res.end();
          return;
        }
        case '/SLO': {
          const outcome = await this.logout.receive(site, await this.inbound(req, url, method), 'saml-slo');
          if (outcome.kind === 'deliver') return sendDelivery(res, outcome.delivery);
          return send(res, 200, errorPage('Signed out', 'You have been signed out.', 'SAML-sl0ok'), {
            'content-type': 'text/html; charset=utf-8',
            ...NO_STORE,
          });
        }
        default:
          return send(res, 404, errorPage('Not found', 'There is no SAML endpoint at this path.', 'SAML-n0pth'), {
            'content-type': 'text/html; charset=utf-8',
          });
      }
    } catch (err) {
      // Domain errors are mapped once (toRestError) to the page's status; the page names the id.
      const refusal =
        err instanceof HttpRefusal
          ? { status: err.status, message: err.message, id: err.id }
          : err instanceof DomainError
            ? { status: toRestError(err).status, message: err.message, id: err.id }
            : undefined;
      if (refusal) {
        return send(res, refusal.status, errorPage('The request was refused', refusal.message, refusal.id), {
          'content-type': 'text/html; charset=utf-8',
          ...NO_STORE,
        });
      }
      throw err;
    }
  }

  private notAllowed(res: HttpResponse, allow: string): void {
    send(res, 405, errorPage('Method not allowed', `Use ${allow}.`, 'SAML-m3th0'), {
      'content-type': 'text/html; charset=utf-8',
      allow,
    });
  }

  private site(req: HttpRequest): Promise<Site> {
    return this.resolver.resolveHttp(req.headers);
  }

  private async inbound(req: HttpRequest, url: URL, method: string): Promise<InboundMessage> {
    if (method === 'GET')
      return { binding: 'redirect', params: Object.fromEntries(url.searchParams), rawQuery: url.search.slice(1) };
    if (method !== 'POST')
      throw new HttpRefusal('SAML-m3th0', 'use GET (HTTP-Redirect binding) or POST (HTTP-POST binding)', 405);
    const type = String(req.headers['content-type'] ?? '');
    if (!type.startsWith('application/x-www-form-urlencoded')) {
      throw new HttpRefusal('SAML-ctyp0', 'the HTTP-POST binding sends an application/x-www-form-urlencoded form', 415);
    }
    let body: Buffer;
    try {
      body = await readBody(req, 1024 * 1024);
    } catch {
      throw new HttpRefusal('SAML-b1g00', 'the form is too large', 413);
    }
    return { binding: 'post', params: Object.fromEntries(new URLSearchParams(body.toString('utf8'))), rawQuery: '' };
  }
}
