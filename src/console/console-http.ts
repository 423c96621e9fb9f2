import type { ServerResponse } from 'node:http';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { assetOrigins, brandCss } from '../settings/branding.js';
import { HttpRoutes, type HttpRequest, type HttpResponse } from '../platform/http/http-routes.js';
import { LOGGER } from '../platform/platform.module.js';
import { InstanceResolver, type RequestSite } from '../platform/tenancy/instance-resolver.js';
import { Policies } from '../settings/policies.queries.js';
import { encodingFor, loadConsoleAssets, type Asset, type ConsoleAssets } from './console-assets.js';
import { ConsoleClients } from './console-clients.service.js';
import { shellHeaders, shellHtml } from './console-page.js';
import { CONSOLE_BASE, CONSOLE_THEME } from './console-rules.js';

const YEAR = 365 * 24 * 60 * 60;

/** Writes an answer; a HEAD request gets the headers alone. */
function send(
  req: HttpRequest,
  res: HttpResponse,
  status: number,
  headers: Record<string, string>,
  body: string | Buffer = '',
): void {
  (res as ServerResponse).writeHead(status, { ...headers, 'content-length': Buffer.byteLength(body).toString() });
  if (req.method === 'HEAD') res.end();
  else res.end(body);
}

const plain = (
  req: HttpRequest,
  res: HttpResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
) =>
  send(
    req,
    res,
    status,
    { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...headers },
    text,
  );

/**
 * The console at /ui/console: its page on every path below (the script routes), its versioned
 * files, the instance's branding, and `/` sending browsers to it. The page names the instance's
 * own issuer and console client; everything the console shows it reads from the public API with
 * the user's token.
 */
@Injectable()
export class ConsoleHttp implements OnModuleInit {
  private loaded?: ConsoleAssets;

  constructor(
    private readonly routes: HttpRoutes,
    private readonly resolver: InstanceResolver,
    private readonly clients: ConsoleClients,
    private readonly policies: Policies,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  onModuleInit(): void {
    // Only reads: ZITADEL's REST gateway binds `POST /` (the debug events service).
    this.routes.mount('/', (req, res) => this.redirect(req, res, `${CONSOLE_BASE}/`, 'no-store'), {
      exact: true,
      methods: ['GET', 'HEAD'],
    });
    // Browsers ask every page of the host for it (the login pages and end_session too).
    this.routes.mount('/favicon.ico', (req, res) => this.redirect(req, res, this.assets.icon, 'max-age=86400'), {
      exact: true,
    });
    this.routes.mount(CONSOLE_BASE, (req, res) => this.handle(req, res));
  }

  /** Read on first use: a server that never serves the console never reads its files. */
  private get assets(): ConsoleAssets {
    this.loaded ??= loadConsoleAssets();
    return this.loaded;
  }

  private redirect(req: HttpRequest, res: HttpResponse, location: string, cache: string): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') plain(req, res, 405, 'Method not allowed', { allow: 'GET' });
    else send(req, res, 302, { location, 'cache-control': cache });
  }

  private async handle(req: HttpRequest, res: HttpResponse): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return plain(req, res, 405, 'Method not allowed', { allow: 'GET' });
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const file = this.assets.files.get(path);
    if (file) return this.file(req, res, file);
    // A versioned URL that is not (or no longer) served: never answer it with the page.
    if (path.startsWith(`${CONSOLE_BASE}/app/`) || path.startsWith(`${CONSOLE_BASE}/vendor/`))
      return plain(req, res, 404, 'Not found');
    let site: RequestSite;
    try {
      site = await this.resolver.resolveHttp(req.headers);
    } catch {
      return plain(req, res, 404, 'Not found');
    }
    const { instance } = site;
    const label = await this.policies.labelSettings(instance.id, instance.defaultOrgId ?? instance.id);
    if (path === CONSOLE_THEME) {
      return send(
        req,
        res,
        200,
        {
          'content-type': 'text/css; charset=utf-8',
          'cache-control': 'max-age=60',
          'x-content-type-options': 'nosniff',
        },
        brandCss(label),
      );
    }
    const clientId = await this.clients.clientIdOf(instance);
    if (!clientId) {
      this.log.warn({ instanceId: instance.id }, 'console: the instance has no active console client');
      return plain(req, res, 503, 'The console is not set up on this instance: the next start sets it up again');
    }
    const html = shellHtml(this.assets, { issuer: site.origin, clientId });
    send(req, res, 200, shellHeaders(this.assets, assetOrigins(label)), html);
  }

  private file(req: HttpRequest, res: HttpResponse, file: Asset): void {
    const encoding = encodingFor(req.headers['accept-encoding'] as string | undefined);
    send(
      req,
      res,
      200,
      {
        'content-type': file.type,
        'cache-control': `public, max-age=${YEAR}, immutable`,
        vary: 'Accept-Encoding',
        'x-content-type-options': 'nosniff',
        ...(encoding === 'identity' ? {} : { 'content-encoding': encoding }),
      },
      encoding === 'identity' ? file.identity : file[encoding],
    );
  }
}
