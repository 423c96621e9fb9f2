import type { Strategy } from 'passport';
import { OutboundError, type OutboundHttp } from '../../platform/http/outbound.js';
import type { UpstreamCallback } from './connector.js';

/** How a passport strategy ended one `authenticate` call. */
export type StrategyOutcome =
  | { readonly kind: 'redirect'; readonly url: string }
  | { readonly kind: 'success'; readonly user: unknown; readonly info: unknown }
  | { readonly kind: 'fail'; readonly challenge: unknown; readonly status?: number }
  | { readonly kind: 'error'; readonly error: unknown };

/**
 * The request a strategy sees: the callback's query and form body as plain objects, and the
 * intent's sealed flow values (`flow`), which our state store reads and writes instead of a
 * session. Nothing else of the HTTP request reaches the strategy.
 */
export interface StrategyRequest {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly query: Record<string, string>;
  readonly body: Record<string, string>;
  readonly headers: Record<string, string | undefined>;
  readonly intentId: string;
  readonly flow: Record<string, string>;
}

export function strategyRequest(
  intentId: string,
  flow: Record<string, string>,
  callback?: UpstreamCallback,
): StrategyRequest {
  const query = callback ? Object.fromEntries(callback.query) : {};
  const body = callback ? Object.fromEntries(callback.body) : {};
  return {
    method: callback && callback.body.size > 0 ? 'POST' : 'GET',
    url: '/idps/callback',
    query,
    body,
    headers: { ...callback?.headers },
    intentId,
    flow,
  };
}

/**
 * Runs a passport strategy without Express: passport's middleware would give the strategy an
 * instance with `success`, `fail`, `redirect`, `error` and `pass` (the "augment" pattern of
 * passport/lib/middleware/authenticate.js); this does the same on a fresh object whose prototype
 * is the strategy, and resolves with whichever the strategy called first.
 */
export function runStrategy(
  strategy: Strategy,
  req: StrategyRequest,
  options: Record<string, unknown> = {},
): Promise<StrategyOutcome> {
  return new Promise((resolve) => {
    let done = false;
    const end = (outcome: StrategyOutcome) => {
      if (done) return;
      done = true;
      resolve(outcome);
    };
    const augmented = Object.create(strategy) as Record<string, unknown> & {
      authenticate(req: unknown, options: unknown): void;
    };
    augmented.success = (user: unknown, info: unknown) => end({ kind: 'success', user, info });
    augmented.fail = (challenge: unknown, status?: number) =>
      end({ kind: 'fail', challenge: typeof challenge === 'number' ? undefined : challenge, status });
    augmented.redirect = (url: string) => end({ kind: 'redirect', url });
    augmented.error = (error: unknown) => end({ kind: 'error', error });
    augmented.pass = () => end({ kind: 'error', error: new Error('the strategy passed the request on') });
    try {
      augmented.authenticate(req, options);
    } catch (error) {
      end({ kind: 'error', error });
    }
  });
}

/**
 * A state store for passport-oauth2 that keeps the PKCE verifier on the intent (its sealed flow
 * state) and uses the intent's id as the OAuth `state`, so the callback finds the intent by it.
 */
export const intentStateStore = {
  store(
    req: StrategyRequest,
    verifier: string | undefined,
    _state: unknown,
    _meta: unknown,
    cb: (err: Error | null, state?: string) => void,
  ): void {
    if (verifier) req.flow.codeVerifier = verifier;
    cb(null, req.intentId);
  },
  verify(
    req: StrategyRequest,
    providedState: string | undefined,
    cb: (err: Error | null, ok: string | boolean, info?: { message: string }) => void,
  ): void {
    if (!providedState || providedState !== req.intentId) {
      cb(null, false, { message: 'the state does not belong to this intent' });
      return;
    }
    cb(null, req.flow.codeVerifier || true);
  },
};

/** The `oauth` package's OAuth2 client, as passport-oauth2 holds it (`strategy._oauth2`). */
interface NodeOAuth2 {
  _customHeaders?: Record<string, string>;
  _request(
    method: string,
    url: string,
    headers: Record<string, string> | undefined,
    body: string | Buffer | null | undefined,
    accessToken: string | null | undefined,
    callback: (err: unknown, data?: string, response?: { statusCode: number; headers: unknown }) => void,
  ): void;
}

const TIMEOUT_MS = 10_000;
const MAX_BYTES = 1024 * 1024;

/**
 * Sends a passport-oauth2 strategy's token and profile requests through the outbound rules
 * (address checks, time and size bounds) instead of its own `http.request`. The access token goes
 * in an Authorization header, never in the query.
 */
export function routeThroughOutbound(strategy: Strategy, outbound: OutboundHttp): void {
  const oauth2 = (strategy as unknown as { _oauth2: NodeOAuth2 })._oauth2;
  oauth2._request = (method, url, headers, body, accessToken, callback) => {
    const all: Record<string, string> = { 'user-agent': 'Portcullis', ...oauth2._customHeaders, ...headers };
    if (accessToken && !Object.keys(all).some((k) => k.toLowerCase() === 'authorization')) {
      all.authorization = `Bearer ${accessToken}`;
    }
    outbound
      .request(url, {
        method: method === 'POST' ? 'POST' : 'GET',
        headers: all,
        body: body === null || body === undefined ? undefined : body.toString(),
        timeoutMs: TIMEOUT_MS,
        maxBytes: MAX_BYTES,
      })
      .then((res) => {
        const data = res.body.toString('utf8');
        if (res.status < 200 || res.status > 299) callback({ statusCode: res.status, data });
        else callback(null, data, { statusCode: res.status, headers: res.headers });
      })
      .catch((err: unknown) => callback(err instanceof OutboundError ? err : new Error(String(err))));
  };
}
