import { createServer as createHttp1Server, type Server as Http1Server } from 'node:http';
import { createServer as createHttp2Server, type Http2Server, type Http2Session } from 'node:http2';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import { createRegistry, type DescService } from '@bufbuild/protobuf';
import type { Interceptor } from '@connectrpc/connect';
import { connectNodeAdapter } from '@connectrpc/connect-node';
import type { Logger } from 'pino';
import { ErrorDetailSchema } from '@zitadel/proto/zitadel/message_pb.js';
import { BadRequestSchema } from '../../gen/google/rpc/error_details_pb.js';
import { applyCors } from '../http/cors.js';
import type { HttpHandler } from '../http/http-routes.js';
import type { RpcRegistry } from './registry.js';
import { ReplaySocket, sniff } from './sniffing-listener.js';

export interface OnePortOptions {
  readonly registry: RpcRegistry;
  /** Every service to route: unregistered ones answer UNIMPLEMENTED. */
  readonly services: readonly DescService[];
  readonly interceptors: Interceptor[];
  /** Everything that is not a Connect/gRPC/gRPC-Web call. */
  readonly fallback: HttpHandler;
  readonly log: Logger;
}

/**
 * gRPC (h2c, prior knowledge), Connect and gRPC-Web (HTTP/1.1 and h2c), REST and plain HTTP on
 * one port. One connect-node handler serves both HTTP versions; a sniffer picks the version.
 */
export class OnePortServer {
  private readonly net: NetServer;
  private readonly http1: Http1Server;
  private readonly http2: Http2Server;
  private readonly sockets = new Set<Socket>();
  private readonly sessions = new Set<Http2Session>();

  constructor(options: OnePortOptions) {
    const handler = connectNodeAdapter({
      routes: (router) => {
        for (const service of options.services) {
          router.service(service, options.registry.binding(service.typeName)?.impl ?? {});
        }
        for (const binding of options.registry.all()) {
          if (!options.services.includes(binding.service)) router.service(binding.service, binding.impl);
        }
      },
      interceptors: options.interceptors,
      jsonOptions: { registry: createRegistry(ErrorDetailSchema, BadRequestSchema) },
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
    this.http1 = createHttp1Server(withCors);
    this.http1.keepAliveTimeout = 65_000;
    this.http2 = createHttp2Server({}, withCors);
    this.http2.on('session', (session) => {
      this.sessions.add(session);
      session.once('close', () => this.sessions.delete(session));
    });
    this.net = createNetServer((socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
      socket.on('error', () => socket.destroy());
      sniff(socket, (protocol, head) => {
        if (protocol === 'h2c') {
          this.http2.emit('connection', new ReplaySocket(socket, head));
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

  /** Stops accepting, lets in-flight requests finish for up to `graceMs`, then cuts the rest. */
  async close(graceMs: number): Promise<void> {
    const closed = new Promise<void>((resolve) => this.net.close(() => resolve()));
    this.http1.close();
    this.http1.closeIdleConnections();
    for (const session of this.sessions) session.close();
    const deadline = setTimeout(() => {
      for (const socket of this.sockets) socket.destroy();
    }, graceMs);
    deadline.unref();
    await closed;
    clearTimeout(deadline);
  }
}
