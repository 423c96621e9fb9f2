// @ts-check
/**
 * The outbound HTTP exchanges of the process, on a thread of their own (see exchange-thread.ts):
 * the caller has already resolved and checked the address; this thread connects to exactly that
 * address, sends, and reads at most what the caller allows within its deadline. Plain JavaScript
 * so that it runs as it is under the test runner and in the build alike; tsc checks its types.
 */
import { parentPort } from 'node:worker_threads';
import { Client, Pool } from 'undici';

/** @typedef {import('./exchange-thread.js').ExchangeRequest} ExchangeRequest */
/** @typedef {import('./exchange-thread.js').ExchangeMessage} ExchangeMessage */
/** @typedef {import('./exchange-thread.js').ExchangeReply} ExchangeReply */
/** @typedef {import('node:http').IncomingHttpHeaders} IncomingHttpHeaders */

/** Headers the client sets itself (the URL's host, hop-by-hop, framing); undici refuses most of them from callers. */
const CLIENT_HEADERS = new Set([
  'host',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'expect',
  'content-length',
]);

/** A body nobody reads is still drained this far, so the pooled connection stays usable; beyond, it is closed. */
const MAX_DRAINED_BYTES = 128 * 1024;

/** Most connection pools kept; beyond, the oldest is closed. */
const MAX_POOLS = 256;

/**
 * Connection pools of keep-alive exchanges, one per checked address, port and TLS server name, so
 * a host name that resolves elsewhere later never gets a pooled socket to its old address; idle
 * sockets close after 30 s.
 * @type {Map<string, Pool>}
 */
const pools = new Map();

/**
 * @param {string} origin
 * @param {string | undefined} servername
 * @returns {Pool}
 */
function poolFor(origin, servername) {
  const key = `${origin} ${servername ?? ''}`;
  let pool = pools.get(key);
  if (!pool) {
    if (pools.size >= MAX_POOLS) {
      const [oldestKey, oldest] = /** @type {[string, Pool]} */ (pools.entries().next().value);
      pools.delete(oldestKey);
      void oldest.close().catch(() => undefined);
    }
    pool = new Pool(origin, {
      connections: 64,
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 30_000,
      connect: { servername },
    });
    pools.set(key, pool);
  }
  return pool;
}

/**
 * A failure as the caller rebuilds it: `failure` when this side decided (timeout, size), else the
 * socket error's name and code (the caller tries the next address on a refused connection).
 * @param {unknown} error
 * @returns {{ name: string; message: string; code?: string; failure?: string }}
 */
function describedError(error) {
  const e = /** @type {NodeJS.ErrnoException & { failure?: string }} */ (error);
  return { name: String(e?.name ?? 'Error'), message: String(e?.message ?? error), code: e?.code, failure: e?.failure };
}

/**
 * One exchange through undici's dispatcher with a handler of its own: no body stream or promise per
 * chunk. The body is kept (at most `maxBytes`) only when it is wanted: not a redirect's, not with
 * `ignoreBody`; otherwise it is drained and the answer's body is empty.
 * @param {ExchangeRequest} request
 * @returns {Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }>}
 */
function exchange(request) {
  const dispatcher = request.keepAlive
    ? poolFor(request.origin, request.servername)
    : new Client(request.origin, { connect: { servername: request.servername } });
  /** @type {Record<string, string>} */
  const headers = { host: request.host };
  for (const [name, value] of Object.entries(request.headers))
    if (!CLIENT_HEADERS.has(name.toLowerCase())) headers[name] = value;
  const failed = (/** @type {string} */ failure, /** @type {string} */ message) =>
    Object.assign(new Error(message), { failure });
  return new Promise((resolve, reject) => {
    /** @type {{ abort(reason: Error): void } | undefined} */
    let controller;
    let settled = false;
    let status = 0;
    /** @type {IncomingHttpHeaders} */
    let answerHeaders = {};
    let wanted = false;
    /** @type {Buffer[]} */
    const chunks = [];
    let size = 0;
    /** @param {{ answer: { status: number; headers: IncomingHttpHeaders; body: Buffer } } | { error: unknown }} outcome */
    const settle = (outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (!request.keepAlive) void dispatcher.close().catch(() => undefined);
      if ('answer' in outcome) resolve(outcome.answer);
      else reject(outcome.error);
    };
    /**
     * Ends the exchange and closes its connection, whatever the server still sends.
     * @param {{ answer: { status: number; headers: IncomingHttpHeaders; body: Buffer } } | { error: Error }} outcome
     */
    const stop = (outcome) => {
      settle(outcome);
      controller?.abort('error' in outcome ? outcome.error : new Error('answer complete'));
    };
    const tooLarge = () => failed('too-large', `${request.site} answered more than ${request.maxBytes} bytes`);
    // The deadline ends the exchange, a body still being read included.
    const timer = setTimeout(
      () => stop({ error: failed('timeout', `${request.site} did not answer in time`) }),
      Math.max(1, request.deadline - Date.now()),
    );
    dispatcher.dispatch(
      { origin: request.origin, path: request.path, method: request.method, headers, body: request.body },
      {
        onRequestStart(c) {
          controller = c;
          if (settled) c.abort(new Error('exchange over'));
        },
        onResponseStart(_c, statusCode, responseHeaders) {
          status = statusCode;
          answerHeaders = /** @type {IncomingHttpHeaders} */ (responseHeaders);
          // A redirect's body is never read, followed or not; nor is one the caller does not want.
          const redirect = status >= 300 && status < 400 && answerHeaders.location !== undefined;
          wanted = !request.ignoreBody && !redirect;
          if (wanted && Number(answerHeaders['content-length']) > request.maxBytes) stop({ error: tooLarge() });
        },
        onResponseData(_c, chunk) {
          size += chunk.length;
          if (!wanted) {
            if (size > MAX_DRAINED_BYTES) stop({ answer: { status, headers: answerHeaders, body: Buffer.alloc(0) } });
            return;
          }
          if (size > request.maxBytes) stop({ error: tooLarge() });
          else chunks.push(chunk);
        },
        onResponseEnd() {
          settle({
            answer: { status, headers: answerHeaders, body: wanted ? Buffer.concat(chunks) : Buffer.alloc(0) },
          });
        },
        onResponseError(_c, error) {
          settle({ error });
        },
      },
    );
  });
}

const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort);
port.on('message', (/** @type {ExchangeMessage} */ { id, request }) => {
  exchange(request).then(
    (answer) => port.postMessage(/** @type {ExchangeReply} */ ({ id, ...answer })),
    (error) => port.postMessage(/** @type {ExchangeReply} */ ({ id, error: describedError(error) })),
  );
});
