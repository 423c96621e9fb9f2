import { lookup, Resolver } from 'node:dns/promises';
import type { IncomingHttpHeaders } from 'node:http';
import { isIP } from 'node:net';
import { ReadCache } from '../cache/read-cache.js';
import type { Config } from '../config/config.js';
import { describeCategory, parseNetworks, refusedCategory, type AddressPolicy } from './address-rules.js';
import { type ExchangeAnswer, ExchangeThread } from './exchange-thread.js';
import { OutboundError } from './outbound-error.js';

export { OutboundError, type OutboundFailure } from './outbound-error.js';

export interface OutboundRequest {
  readonly method?: 'GET' | 'POST';
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** For the whole exchange: name resolution, every hop, and reading the body. */
  readonly timeoutMs: number;
  /** Most bytes of response body read; more fails with `too-large`. */
  readonly maxBytes: number;
  /** The body is not wanted (a webhook's answer): it is discarded, whatever its size. */
  readonly ignoreBody?: boolean;
  /** Redirects followed (GET only), each hop checked like the first. 0: a 3xx is answered as it is. */
  readonly maxRedirects?: number;
  /**
   * The URL comes from the operator's own configuration (an SMS gateway), not from an API caller:
   * it may name internal addresses. It is still resolved once and connected to by that address.
   */
  readonly trustedDestination?: boolean;
  /**
   * Keeps the connection for the next request to the same checked address (and TLS server name):
   * for endpoints called on every request (Actions targets). The host's checked addresses are
   * reused for `checkedAddressTtlMs`, then it is resolved and checked again.
   */
  readonly keepAlive?: boolean;
}

/** Every exchange of the process goes through one thread (see ExchangeThread). */
const EXCHANGES = new ExchangeThread();

export interface OutboundResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** Empty for a 3xx that was not followed and with `ignoreBody` (the body is not read). */
  readonly body: Buffer;
  /** The URL that answered (after any redirects followed). */
  readonly url: URL;
  /** The IP address the answer came from: the one that was checked. */
  readonly address: string;
}

export interface OutboundOptions extends AddressPolicy {
  /** DNS servers (`host` or `host:port`) for names in caller-given URLs; default: the system's resolver. */
  readonly dnsServers?: readonly string[];
  /** How long `keepAlive` requests reuse a host's checked addresses; default 30 s, as long as an idle pooled socket. */
  readonly checkedAddressTtlMs?: number;
}

/** The checks never go stale by a commit: only their lifetime ends them. */
const TIMED_ONLY = { usable: true, version: 0 } as const;

/** Connection errors after which the next resolved address is tried. */
const TRY_NEXT = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'EAFNOSUPPORT']);
/** Headers that must not follow a redirect to another origin. */
const CREDENTIAL_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);

/**
 * The one way the server calls URLs it was given (SAML metadata, domain challenges, webhooks),
 * closing server-side request forgery including DNS rebinding: the host name is resolved once,
 * every address it resolves to must be allowed (see address-rules.ts), and the connection goes to
 * exactly such a checked address (no second look-up), with the URL's Host header and TLS server
 * name. Redirects are answered as they are unless the caller allows some; then each hop is
 * resolved and checked the same way. Time and size are bounded.
 */
export class OutboundHttp {
  private readonly resolver?: Resolver;
  /**
   * A host's checked addresses for `keepAlive` callers, per trust: a look-up and its checks per
   * call cost more than the call to a pooled socket. Only addresses that passed are kept, and
   * connections still go to exactly those addresses, so a name that rebinds meanwhile changes
   * nothing; after the lifetime the name is resolved and checked again.
   */
  private readonly checked: ReadCache<string[]>;

  constructor(private readonly options: OutboundOptions) {
    this.checked = new ReadCache(TIMED_ONLY, {
      name: 'outbound-checked-addresses',
      maxEntries: 1_000,
      ttlMs: options.checkedAddressTtlMs ?? 30_000,
    });
    if (options.dnsServers?.length) {
      this.resolver = new Resolver({ timeout: 3_000, tries: 2 });
      this.resolver.setServers([...options.dnsServers]);
    }
  }

  static fromConfig(config: Pick<Config, 'outboundAllowPrivate' | 'dnsServers'>): OutboundHttp {
    return new OutboundHttp({
      ...outboundPolicy(config.outboundAllowPrivate),
      dnsServers: config.dnsServers
        ?.split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    });
  }

  /**
   * At shutdown the exchange thread ends rather than idling out: calls still waiting fail as
   * unreachable.
   */
  async onModuleDestroy(): Promise<void> {
    await EXCHANGES.close();
  }

  /** Throws OutboundError; any HTTP status is an answer. */
  async request(target: string | URL, init: OutboundRequest): Promise<OutboundResponse> {
    const deadline = Date.now() + init.timeoutMs;
    let url = parseTarget(target);
    let request = init;
    for (let hop = 0; ; hop++) {
      const addresses = this.keptAddresses(url, init) ?? (await this.addressesFor(url, init, deadline));
      const { answer, address } = await this.connect(url, addresses, request, deadline);
      const location = answer.headers.location as string | undefined;
      const follow = isRedirect(answer) && (init.maxRedirects ?? 0) > 0 && (init.method ?? 'GET') === 'GET';
      if (!follow) return { ...answer, url, address };
      if (hop >= init.maxRedirects!)
        throw new OutboundError('too-many-redirects', `${url.origin} redirected more than ${init.maxRedirects} times`);
      const next = parseTarget(location!, url);
      if (next.origin !== url.origin)
        request = {
          ...request,
          headers: Object.fromEntries(
            Object.entries(request.headers ?? {}).filter(([k]) => !CREDENTIAL_HEADERS.has(k.toLowerCase())),
          ),
        };
      url = next;
    }
  }

  /**
   * A `fetch` for libraries that call URLs from client metadata (oidc-provider: back-channel
   * logout, jwks_uri, sector_identifier_uri), so their requests take this path too. Redirects are
   * never followed; the body is capped at `maxBytes`.
   */
  asFetch(defaults: {
    timeoutMs: number;
    maxBytes: number;
  }): (input: string | URL, init?: RequestInit) => Promise<Response> {
    return async (input, init = {}) => {
      const method = (init.method ?? 'GET').toUpperCase();
      if (method !== 'GET' && method !== 'POST') throw new TypeError(`outbound ${method} requests are not made`);
      const res = await this.request(input, {
        method,
        headers: Object.fromEntries(new Headers(init.headers).entries()),
        body: init.body === undefined || init.body === null ? undefined : String(init.body),
        timeoutMs: defaults.timeoutMs,
        maxBytes: defaults.maxBytes,
      });
      const headers = new Headers();
      for (const [name, value] of Object.entries(res.headers)) {
        for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, v);
      }
      // Statuses that carry no body (RFC 9110 §6.4.1) must be built without one.
      const empty = res.status === 204 || res.status === 205 || res.status === 304;
      return new Response(empty ? null : new Uint8Array(res.body), { status: res.status, headers });
    };
  }

  /** A `keepAlive` request's host's addresses, checked within their lifetime; none when not kept. */
  private keptAddresses(url: URL, init: OutboundRequest): string[] | undefined {
    return init.keepAlive ? this.checked.peek(trustOf(init), url.hostname) : undefined;
  }

  /** Every address the host resolves to, each allowed by the policy; resolved exactly once, within the deadline. */
  private addressesFor(url: URL, init: OutboundRequest, deadline: number): Promise<string[]> {
    const trusted = init.trustedDestination ?? false;
    const check = () => this.checkedHost(url.hostname, trusted);
    const addresses = init.keepAlive ? this.checked.get(trustOf(init), url.hostname, check) : check();
    return withDeadline(addresses, deadline, url);
  }

  /**
   * The same check for connections that are not HTTP (LDAP servers): every address `hostname`
   * resolves to (with the configured DNS servers), each allowed by the policy. The caller connects
   * to one of exactly these addresses. Throws OutboundError.
   */
  async checkedHost(hostname: string, trusted = false): Promise<string[]> {
    const host = hostname.replace(/^\[|\]$/g, '');
    const addresses = isIP(host) ? [host] : trusted ? await this.systemLookup(host) : await this.lookup(host);
    if (!addresses.length) throw new OutboundError('unresolvable', `${hostname} has no address`);
    if (trusted) return addresses;
    for (const address of addresses) {
      const refused = refusedCategory(address, this.options);
      // The address itself is not named: a caller must not learn what internal names resolve to.
      if (refused)
        throw new OutboundError(
          'blocked-address',
          `${hostname} ${isIP(host) ? 'is' : 'resolves to'} ${describeCategory(refused)}`,
        );
    }
    return addresses;
  }

  private async lookup(host: string): Promise<string[]> {
    if (!this.resolver) return this.systemLookup(host);
    const [v4, v6] = await Promise.allSettled([this.resolver.resolve4(host), this.resolver.resolve6(host)]);
    const found = [v4, v6].flatMap((r) => (r.status === 'fulfilled' ? r.value : []));
    if (found.length) return found;
    throw new OutboundError('unresolvable', `${host} could not be resolved (${lookupError(v4) ?? lookupError(v6)})`);
  }

  private async systemLookup(host: string): Promise<string[]> {
    try {
      return (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
    } catch (err) {
      throw new OutboundError(
        'unresolvable',
        `${host} could not be resolved (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
      );
    }
  }

  /** Tries the checked addresses in order; the next one only when a connection could not be made. */
  private async connect(
    url: URL,
    addresses: string[],
    init: OutboundRequest,
    deadline: number,
  ): Promise<{ answer: ExchangeAnswer; address: string }> {
    let lastError: Error | undefined;
    for (const address of addresses) {
      try {
        return { answer: await send(url, address, init, deadline), address };
      } catch (err) {
        if (err instanceof OutboundError || !TRY_NEXT.has((err as NodeJS.ErrnoException).code ?? ''))
          throw asOutboundError(err, url);
        lastError = err as Error;
      }
    }
    throw asOutboundError(lastError!, url);
  }
}

/** A 3xx with somewhere to go. */
function isRedirect(answer: { status: number; headers: IncomingHttpHeaders }): boolean {
  return answer.status >= 300 && answer.status < 400 && answer.headers.location !== undefined;
}

/** Checks made for trusted destinations are never used for others. */
function trustOf(init: OutboundRequest): string {
  return init.trustedDestination ? 'trusted' : 'checked';
}

/** PORTCULLIS_OUTBOUND_ALLOW_PRIVATE: `true`, `false`, or the networks allowed. */
export function outboundPolicy(setting: string): AddressPolicy {
  if (setting === 'true' || setting === 'false') return { allowPrivate: setting === 'true', allowedNetworks: [] };
  return { allowPrivate: false, allowedNetworks: parseNetworks(setting) };
}

/** An http(s) URL, relative to `base` when given (a redirect's Location). */
function parseTarget(target: string | URL, base?: URL): URL {
  let url: URL;
  try {
    // A URL object is the caller's parse already (a target's endpoint, parsed once): it is only checked.
    url = target instanceof URL && !base ? target : new URL(target, base);
  } catch {
    throw new OutboundError('invalid-url', 'not an absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new OutboundError('invalid-url', `${url.protocol} URLs are not fetched, only http(s)`);
  return url;
}

/**
 * One HTTP exchange with `address`, which is the checked address of `url`'s host: no look-up
 * happens here. The body is read (at most `maxBytes`) only when it is wanted (not a redirect's, not
 * with `ignoreBody`); otherwise the answer's body is empty.
 */
function send(url: URL, address: string, init: OutboundRequest, deadline: number): Promise<ExchangeAnswer> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return EXCHANGES.exchange({
    origin: `${url.protocol}//${isIP(address) === 6 ? `[${address}]` : address}:${port}`,
    site: url.origin,
    host: url.host,
    path: url.pathname + url.search,
    method: init.method ?? 'GET',
    headers: init.headers ?? {},
    body: init.body,
    // TLS SNI and the certificate's name check use the URL's host name (RFC 6066 forbids an IP as SNI).
    servername: isIP(host) ? undefined : host,
    keepAlive: init.keepAlive ?? false,
    deadline,
    maxBytes: init.maxBytes,
    ignoreBody: init.ignoreBody ?? false,
  });
}

function withDeadline<T>(work: Promise<T>, deadline: number, url: URL): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new OutboundError('timeout', `${url.hostname} could not be resolved in time`)),
      Math.max(0, deadline - Date.now()),
    );
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function asOutboundError(err: unknown, url: URL): OutboundError {
  if (err instanceof OutboundError) return err;
  const e = err as NodeJS.ErrnoException;
  if (e.name === 'TimeoutError' || e.name === 'AbortError')
    return new OutboundError('timeout', `${url.origin} did not answer in time`);
  return new OutboundError('unreachable', `${url.origin} could not be reached (${e.code ?? e.message})`);
}

function lookupError(result: PromiseSettledResult<unknown>): string | undefined {
  return result.status === 'rejected'
    ? ((result.reason as NodeJS.ErrnoException).code ?? String(result.reason))
    : undefined;
}
