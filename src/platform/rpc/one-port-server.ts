import { createServer as createHttp1Server, type Server as Http1Server } from 'node:http';
import {
  constants as http2,
  createServer as createHttp2Server,
  Http2ServerRequest,
  Http2ServerResponse,
  type Http2Server,
  type Http2Session,
  type IncomingHttpHeaders,
  type ServerHttp2Stream,
} from 'node:http2';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import type { Logger } from 'pino';
import { applyCors } from '../http/cors.js';
import type { DescService } from '@bufbuild/protobuf';
import type { Interceptor } from '@connectrpc/connect';
import type { HttpHandler } from '../http/http-routes.js';
import type { RpcRegistry } from './registry.js';
import { createRpcHandler } from './rpc-handlers.js';
import type { GrpcUnaryFastPath } from './grpc-unary.js';
import { sniff } from './sniffing-listener.js';

export interface OnePortOptions {
  readonly registry: RpcRegistry;
  /** Every service to route: unregistered ones answer UNIMPLEMENTED. */
  readonly services: readonly DescService[];
  readonly interceptors: Interceptor[];
  /** Everything that is not a Connect/gRPC/gRPC-Web call. */
  readonly fallback: HttpHandler;
  readonly log: Logger;
  /** Plain unary gRPC calls answered without connect's streaming machinery. */
  readonly grpcUnary?: GrpcUnaryFastPath;
}

/**
 * gRPC (h2c, prior knowledge), Connect and gRPC-Web (HTTP/1.1 and h2c), REST and plain HTTP on
 * one port. One connect-node handler serves both HTTP versions; a sniffer picks the version.
 */
/** How long a connection must stay silent during a drain before it is closed. */
const DRAIN_IDLE_MS = 500;
/**
 * How long the listener still accepts after a stop begins: connections clients opened just
 * before may wait in the kernel's accept queue, and closing the listener would reset them.
 * Whatever arrives in this window is answered with `Connection: close` (HTTP/1.1) or a GOAWAY.
 */
const ACCEPT_WINDOW_MS = 1_000;

export class OnePortServer {
  private readonly net: NetServer;
  private readonly http1: Http1Server;
  private readonly http2: Http2Server;
  private readonly sockets = new Set<Socket>();
  private readonly sessions = new Set<Http2Session>();
  /** HTTP/1.1 connections with requests being answered, and how many. */
  private readonly busy = new Map<Socket, number>();
  private draining = false;
  /** Connections handed to the HTTP/2 server (their sessions drain themselves). */
  private readonly h2cSockets = new WeakSet<Socket>();

  constructor(options: OnePortOptions) {
    const handler = createRpcHandler({
      registry: options.registry,
      services: options.services,
      interceptors: options.interceptors,
      fallback: (req, res) => {
        Promise.resolve(options.fallback(req, res)).catch((err: unknown) => {
          options.log.error({ err }, 'HTTP handler failed');
          if (!res.headersSent) (res as import('node:http').ServerResponse).writeHead(500).end();
        });
      },
    });
    const withCors: typeof handler = (req, res) => {
      if (!applyCors(req, res)) handler(req, res);
    };
    const http1Handler: typeof handler = (req, res) => {
      // Requests being answered per connection, so a drain closes only idle ones.
      const socket = req.socket as Socket;
      this.busy.set(socket, (this.busy.get(socket) ?? 0) + 1);
      res.once('close', () => {
        const left = (this.busy.get(socket) ?? 1) - 1;
        if (left > 0) this.busy.set(socket, left);
        else {
          this.busy.delete(socket);
          if (this.draining) this.closeWhenIdle(socket);
        }
      });
      if (this.draining) {
        // Answer, then close the connection (RFC 9112 §9.6); no idle timer while answering
        // (Node's own timeout handler would cut the response).
        socket.setTimeout(0);
        (res as import('node:http').ServerResponse).setHeader('connection', 'close');
      }
      withCors(req, res);
    };
    this.http1 = createHttp1Server(http1Handler);
    this.http1.keepAliveTimeout = 65_000;
    const grpcUnary = options.grpcUnary;
    // Streams rather than Node's request/response pairs: a plain unary gRPC call is answered on
    // its stream; every other stream gets the compatibility objects Node's own 'request' handler
    // would have made (CONNECT is refused as Node refuses it without a 'connect' listener).
    this.http2 = createHttp2Server();
    this.http2.on(
      'stream',
      (stream: ServerHttp2Stream, headers: IncomingHttpHeaders, _flags: number, rawHeaders: string[]) => {
        if (grpcUnary?.take(stream, headers)) return;
        const req = new Http2ServerRequest(stream, headers, {}, rawHeaders);
        const res = new Http2ServerResponse(stream);
        if (headers[':method'] === 'CONNECT') {
          res.statusCode = http2.HTTP_STATUS_METHOD_NOT_ALLOWED;
          res.end();
          return;
        }
        withCors(req, res);
      },
    );
    this.http2.on('session', (session) => {
      this.sessions.add(session);
      session.once('close', () => this.sessions.delete(session));
    });
    // Nagle off on every connection from the start: small gRPC frames must not wait for delayed
    // ACKs (~40 ms a call, seen as gRPC at a tenth of REST's rate in docs/benchmarks.md).
    this.net = createNetServer({ noDelay: true }, (socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
      socket.on('error', () => socket.destroy());
      sniff(socket, (protocol, head) => {
        if (protocol === 'h2c') {
          // The server makes the session (and emits 'session') synchronously within this emit.
          // The socket itself, its sniffed bytes pushed back: Node's HTTP/2 session reads the
          // native handle directly and first takes what the socket already buffered, so no
          // JavaScript stream copies every frame between the socket and nghttp2.
          this.h2cSockets.add(socket);
          socket.unshift(head);
          this.http2.emit('connection', socket);
        } else {
          socket.unshift(head);
          this.http1.emit('connection', socket);
          socket.resume();
        }
      });
    });
  }

  listen(port: number, host: string): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.net.once('error', reject);
      this.net.listen(port, host, () => {
        this.net.off('error', reject);
        resolve(this.net.address() as AddressInfo);
      });
    });
  }

  /** Closes an HTTP/1.1 connection (during a drain) once it has been silent for DRAIN_IDLE_MS. */
  private closeWhenIdle(socket: Socket): void {
    socket.setTimeout(DRAIN_IDLE_MS);
    socket.once('timeout', () => {
      if (!this.busy.has(socket)) socket.destroy();
    });
  }

  /**
   * Stops accepting (after ACCEPT_WINDOW_MS), lets in-flight requests finish for up to `graceMs`,
   * then cuts the rest.
   * Connections are not cut the moment they look idle: a request may already be on its way (sent,
   * not yet read), so an HTTP/1.1 connection closes once it has been silent for DRAIN_IDLE_MS,
   * and one that brings a request is answered with `Connection: close`. HTTP/2 sessions get a
   * GOAWAY and finish their streams.
   */
  async close(graceMs: number): Promise<void> {
    this.draining = true;
    const drainIdle = () => {
      for (const session of this.sessions) session.close();
      for (const socket of this.sockets)
        if (!this.h2cSockets.has(socket) && !this.busy.has(socket)) this.closeWhenIdle(socket);
    };
    drainIdle();
    const deadline = setTimeout(() => {
      for (const socket of this.sockets) socket.destroy();
    }, graceMs);
    deadline.unref();
    await new Promise((resolve) => setTimeout(resolve, Math.min(ACCEPT_WINDOW_MS, graceMs / 2)));
    const closed = new Promise<void>((resolve) => this.net.close(() => resolve()));
    drainIdle(); // what connected during the window
    await closed;
    clearTimeout(deadline);
  }
}
