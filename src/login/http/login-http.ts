import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { loginClientCaller } from '../../platform/auth/login-client.js';
import { HttpRoutes, readBody, type HttpRequest, type HttpResponse } from '../../platform/http/http-routes.js';
import { RateLimiter, instanceBucket, peerAddress } from '../../platform/http/rate-limit.js';
import { LOGGER } from '../../platform/platform.module.js';
import { InstanceResolver, type RequestSite } from '../../platform/tenancy/instance-resolver.js';
import type { Instance } from '../../platform/tenancy/instance.entity.js';
import { Policies } from '../../settings/policies.queries.js';
import { problemKey } from '../flows/page-errors.js';
import { PageKit } from '../flows/page-kit.js';
import { pageHandler } from '../flows/page-routes.js';
import { BROWSER_COOKIE, decodeBrowserState, newBrowserState, parseCookies } from '../login-browser.js';
import { LOGIN_BASE, flowOf } from '../login-flow.js';
import { translator } from '../login.i18n.js';
import { LOGIN_SCRIPT } from '../login-script.js';
import { themeCss } from '../login-theme.js';
import { errorPage } from '../views/layout.js';
import type { PageRequest } from './page-request.js';
import { writeAsset, writePlain } from './responses.js';

const FORM_LIMIT = 16 * 1024;

/**
 * The hosted login pages at /ui/v2/login: server-rendered HTML forms (no script needed), one per
 * step, over LoginService. This edge owns the assets, the body, the browser's cookie, CSRF and
 * the rate limit, then hands the request to its page (flows/page-routes.ts); every failure is
 * rendered in the words of the message catalogue, never a stack trace.
 */
@Injectable()
export class LoginHttp implements OnModuleInit {
  constructor(
    private readonly routes: HttpRoutes,
    private readonly resolver: InstanceResolver,
    private readonly k: PageKit,
    private readonly policies: Policies,
    private readonly limiter: RateLimiter,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  onModuleInit(): void {
    this.routes.mount(LOGIN_BASE, (req, res) => this.handle(req, res));
  }

  private async handle(req: HttpRequest, res: HttpResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname.slice(LOGIN_BASE.length).replace(/\/+$/, '') || '/';
    const method = req.method ?? 'GET';
    let site: RequestSite;
    try {
      site = await this.resolver.resolveHttp(req.headers);
    } catch {
      return writePlain(res, 404, 'Not found');
    }
    const { instance } = site;
    if (path === '/assets/login.css') return this.stylesheet(instance, url.searchParams.get('org') ?? undefined, res);
    if (path === '/assets/login.js') return writeAsset(res, 'text/javascript; charset=utf-8', LOGIN_SCRIPT);
    if (method !== 'GET' && method !== 'HEAD' && method !== 'POST')
      return writePlain(res, 405, 'Method not allowed', { allow: 'GET, POST' });

    const existing = decodeBrowserState(parseCookies(req.headers.cookie).get(BROWSER_COOKIE));
    let params = url.searchParams;
    if (method === 'POST') {
      try {
        params = new URLSearchParams((await readBody(req, FORM_LIMIT)).toString('utf8'));
      } catch {
        return writePlain(res, 413, 'Request too large');
      }
    }
    const r: PageRequest = {
      req,
      res,
      path,
      method,
      params,
      instance,
      // The pages act as the instance's login client: what they do is authorized and audited as its.
      caller: loginClientCaller(instance, randomUUID(), site.origin),
      flow: flowOf(params),
      state: existing ?? newBrowserState(),
      stateChanged: !existing,
    };
    try {
      if (method === 'POST') {
        // The token is bound to this browser's cookie; a POST without both is refused.
        if (!existing || !this.k.csrf.matches(existing.browserId, params.get('csrf') ?? undefined)) {
          return this.k.page(r, 403, errorPage(await this.k.context(r), (await this.k.t(r))('error.csrf')));
        }
        if (!this.limiter.take(instanceBucket('login', instance.id), peerAddress(req)).allowed) {
          return this.k.page(r, 429, errorPage(await this.k.context(r), (await this.k.t(r))('error.tooMany')));
        }
      }
      await pageHandler(path, method)(this.k, r);
    } catch (err) {
      const key = problemKey(err);
      if (!key) this.log.error({ err, path }, 'login page failed');
      const t = await this.k.t(r).catch(() => translator('en'));
      const ctx = await this.k.context(r).catch(() => undefined);
      if (!ctx) return writePlain(res, 500, t('error.unknown'));
      return this.k.page(r, key ? 400 : 500, errorPage(ctx, t(key ?? 'error.unknown')));
    }
  }

  private async stylesheet(instance: Instance, orgId: string | undefined, res: HttpResponse): Promise<void> {
    const label = await this.policies.labelSettings(
      instance.id,
      orgId && /^[\w-]{1,64}$/.test(orgId) ? orgId : (instance.defaultOrgId ?? instance.id),
    );
    writeAsset(res, 'text/css; charset=utf-8', themeCss(label), 'max-age=60');
  }
}
