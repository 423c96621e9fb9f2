import type { ServerResponse } from 'node:http';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { HttpRoutes, type HttpRequest, type HttpResponse } from '../platform/http/http-routes.js';
import { LOGGER } from '../platform/platform.module.js';
import { InstanceResolver } from '../platform/tenancy/instance-resolver.js';
import { encodingFor, loadConsoleAssets, type ConsoleAssets } from './console-assets.js';
import { ConsoleClients } from './console-clients.service.js';
import { shellHeaders, shellHtml } from './console-page.js';
import { CONSOLE_BASE } from './console-rules.js';

const YEAR = 365 * 24 * 60 * 60;

function plain(res: HttpResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  (res as ServerResponse).writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

/**
 * The console at /ui/console: its page on every path below (the script routes), its versioned
 * files, and `/` sending browsers to it. The page names the instance's own issuer and console
 * client; everything the console shows it reads from the public API with the user's token.
 */
@Injectable()
export class ConsoleHttp implements OnModuleInit {
  private assets?: ConsoleAssets;

  constructor(
    private readonly routes: HttpRoutes,
    private readonly resolver: InstanceResolver,
    private readonly clients: ConsoleClients,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  onModuleInit(): void {
    this.routes.mount('/', (req, res) => this.root(req, res), { exact: true });
    // Browsers ask every page of the host for it (the login pages and end_session too).
    this.routes.mount('/favicon.ico', (_req, res) => this.favicon(res), { exact: true });
    this.routes.mount(CONSOLE_BASE, (req, res) => this.handle(req, res));
  }

  private root(req: HttpRequest, res: HttpResponse): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      plain(res, 405, 'Method not allowed', { allow: 'GET' });
      return;
    }
    (res as ServerResponse).writeHead(302, { location: `${CONSOLE_BASE}/`, 'cache-control': 'no-store' });
    res.end();
  }

  private favicon(res: HttpResponse): void {
    this.assets ??= loadConsoleAssets();
    (res as ServerResponse).writeHead(302, { location: this.assets.icon, 'cache-control': 'max-age=86400' });
    res.end();
  }

  private async handle(req: HttpRequest, res: HttpResponse): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405, 'Method not allowed', { allow: 'GET' });
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    // Read on first use: a server that never serves the console never reads its files.
    this.assets ??= loadConsoleAssets();
    const file = this.assets.files.get(path);
    if (file) {
      const encoding = encodingFor(req.headers['accept-encoding'] as string | undefined);
      const body = encoding === 'identity' ? file.identity : file[encoding];
      (res as ServerResponse).writeHead(200, {
        'content-type': file.type,
        'content-length': body.length.toString(),
        'cache-control': `public, max-age=${YEAR}, immutable`,
        vary: 'Accept-Encoding',
        'x-content-type-options': 'nosniff',
        ...(encoding === 'identity' ? {} : { 'content-encoding': encoding }),
      });
      if (req.method === 'HEAD') res.end();
      else res.end(body);
      return;
    }
    // A versioned URL that is not (or no longer) served: never answer it with the page.
    if (path.startsWith(`${CONSOLE_BASE}/app/`) || path.startsWith(`${CONSOLE_BASE}/vendor/`))
      return plain(res, 404, 'Not found');
    let site;
    try {
      site = await this.resolver.resolveHttp(req.headers);
    } catch {
      return plain(res, 404, 'Not found');
    }
    const clientId = await this.clients.clientIdOf(site.instance);
    if (!clientId) {
      this.log.warn({ instanceId: site.instance.id }, 'console: the instance has no default org to hold its client');
      return plain(res, 503, 'The console is not set up on this instance');
    }
    const html = shellHtml(this.assets, { issuer: site.origin, clientId });
    (res as ServerResponse).writeHead(200, {
      ...shellHeaders(this.assets),
      'content-length': Buffer.byteLength(html).toString(),
    });
    if (req.method === 'HEAD') res.end();
    else res.end(html);
  }
}
