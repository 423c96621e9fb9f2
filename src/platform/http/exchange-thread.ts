import type { IncomingHttpHeaders } from 'node:http';
import { SHARE_ENV, Worker } from 'node:worker_threads';
import { OutboundError, type OutboundFailure } from './outbound-error.js';

/** One exchange as the exchange thread makes it: to a checked address, nothing left to decide. */
export interface ExchangeRequest {
  /** Where to connect: the checked address and the URL's port, `http(s)://address:port`. */
  readonly origin: string;
  /** The URL's own origin, named in failures. */
  readonly site: string;
  /** The Host header: the URL's host and port. */
  readonly host: string;
  readonly path: string;
  readonly method: 'GET' | 'POST';
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  /** TLS server name (SNI and the certificate's name check): the URL's host name unless it is an IP. */
  readonly servername?: string;
  /** Pooled connection, kept for the next exchange with the same address and server name. */
  readonly keepAlive: boolean;
  /** Epoch milliseconds by which the answer, body included, must be in. */
  readonly deadline: number;
  readonly maxBytes: number;
  readonly ignoreBody: boolean;
}

/** What the thread is sent: a request and the id its reply carries back. */
export interface ExchangeMessage {
  readonly id: number;
  readonly request: ExchangeRequest;
}

/** The thread's answer to one request: the answer, or how the exchange failed. */
export type ExchangeReply =
  | { readonly id: number; readonly status: number; readonly headers: IncomingHttpHeaders; readonly body: Uint8Array }
  | {
      readonly id: number;
      readonly error: {
        readonly name: string;
        readonly message: string;
        readonly code?: string;
        readonly failure?: string;
      };
    };

export interface ExchangeAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

interface Waiting {
  resolve(answer: ExchangeAnswer): void;
  reject(error: Error): void;
}

/** How long a thread stays after its last exchange by default (pooled sockets close after 30 s idle). */
const IDLE_MS = 60_000;

/** A socket error as the caller sees one from Node itself: its name and code (e.g. ECONNREFUSED). */
function rebuiltError(error: Extract<ExchangeReply, { error: unknown }>['error']): Error {
  if (error.failure) return new OutboundError(error.failure as OutboundFailure, error.message);
  return Object.assign(new Error(error.message), { name: error.name, code: error.code });
}

/** One worker and the calls waiting on it. */
interface Running {
  readonly worker: Worker;
  readonly waiting: Map<number, Waiting>;
  readonly idleCheck: NodeJS.Timeout;
}

/**
 * The process's outbound HTTP exchanges run on a worker thread (exchange.worker.mjs): a call
 * made on every request (an Actions webhook) then costs the request's thread one message each
 * way instead of the client's dispatch, the socket writes and reads and the response parsing,
 * which on a busy server is most of what a webhook adds to the request. The thread starts with the
 * first exchange and ends after `idleMs` without one; if it fails or is closed, its calls fail as
 * unreachable and the next exchange starts a new one. It holds the process open only while calls
 * wait on it.
 */
export class ExchangeThread {
  private running?: Running;
  private nextId = 0;
  private lastUsed = 0;

  constructor(private readonly idleMs = IDLE_MS) {}

  /** Whether a thread is up (it starts with an exchange and ends when idle or closed). */
  get started(): boolean {
    return this.running !== undefined;
  }

  /** Rejects with OutboundError, or an Error with the socket's code. */
  exchange(request: ExchangeRequest): Promise<ExchangeAnswer> {
    const { worker, waiting } = this.running ?? this.start();
    this.lastUsed = Date.now();
    const id = this.nextId++;
    if (waiting.size === 0) worker.ref();
    return new Promise<ExchangeAnswer>((resolve, reject) => {
      waiting.set(id, { resolve, reject });
      worker.postMessage({ id, request } satisfies ExchangeMessage);
    });
  }

  /** Ends the thread: calls waiting on it fail as unreachable. */
  async close(): Promise<void> {
    const running = this.running;
    this.running = undefined;
    await running?.worker.terminate();
  }

  private start(): Running {
    const worker = new Worker(new URL('./exchange.worker.mjs', import.meta.url), { env: SHARE_ENV });
    worker.unref();
    const waiting = new Map<number, Waiting>();
    worker.on('message', (reply: ExchangeReply) => {
      const call = waiting.get(reply.id);
      if (!call) return;
      waiting.delete(reply.id);
      if (waiting.size === 0) worker.unref();
      if ('error' in reply) call.reject(rebuiltError(reply.error));
      else
        call.resolve({
          status: reply.status,
          headers: reply.headers,
          body: Buffer.from(reply.body.buffer, reply.body.byteOffset, reply.body.byteLength),
        });
    });
    const running: Running = {
      worker,
      waiting,
      idleCheck: setInterval(() => {
        if (waiting.size > 0 || Date.now() - this.lastUsed <= this.idleMs) return;
        // A call made from now on starts a new thread rather than reaching this one as it ends.
        if (this.running === running) this.running = undefined;
        void worker.terminate();
      }, this.idleMs / 2).unref(),
    };
    const ended = (why: string) => {
      clearInterval(running.idleCheck);
      if (this.running === running) this.running = undefined;
      const calls = [...waiting.values()];
      waiting.clear();
      for (const call of calls) call.reject(new OutboundError('unreachable', `the outbound exchange thread ${why}`));
    };
    worker.on('error', (err: Error) => ended(`failed (${err.message})`));
    worker.on('exit', () => ended('ended'));
    this.running = running;
    return running;
  }
}
