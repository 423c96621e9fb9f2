import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import type { Interceptor } from '@connectrpc/connect';
import type { Logger } from 'pino';
import { AppModule } from './app.module.js';
import { FirstInstanceSetup } from './bootstrap/first-instance.service.js';
import { ConsoleSetup } from './bootstrap/console-setup.service.js';
import { Authenticator } from './platform/auth/authenticator.js';
import { SystemTokenVerifier } from './platform/auth/system-token.js';
import type { Config } from './platform/config/config.js';
import { resolveMasterKey } from './platform/crypto/master-key-source.js';
import { openDatabase, type OpenDatabase } from './platform/database/database.js';
import { NotFound } from './platform/errors/domain-error.js';
import { toRestError } from './platform/errors/wire-errors.js';
import { HttpRoutes, sendJson, type HttpRequest, type HttpResponse } from './platform/http/http-routes.js';
import { RateLimiter } from './platform/http/rate-limit.js';
import { IdGenerator } from './platform/ids/id-generator.js';
import { createLogger } from './platform/logging/logger.js';
import { DebugRoutes } from './platform/observability/debug-routes.js';
import { Metrics } from './platform/observability/metrics.js';
import { CONTRACT_SERVICES, ROUTED_SERVICES, V1_SERVICES } from './platform/rpc/contract.js';
import { answerUnknownProcedure, rpcProtocolOf } from './platform/rpc/unknown-procedure.js';
import { healthBinding } from './platform/rpc/health.js';
import { OnePortServer } from './platform/rpc/one-port-server.js';
import { GrpcUnaryFastPath } from './platform/rpc/grpc-unary.js';
import { createPipeline } from './platform/rpc/pipeline.js';
import { RpcExecutions } from './actions/rpc-executions.js';
import { reflectionBindings } from './platform/rpc/reflection.js';
import { registerBetaBridges } from './platform/rpc/beta-bridge.js';
import { RpcRegistry } from './platform/rpc/registry.js';
import { createRestHandler, type RestService } from './platform/rpc/rest/transcoder.js';
import { buildOpenApi, openApiHtml } from './platform/rpc/rest/openapi.js';
import { UnaryInvoker } from './platform/rpc/unary-invoker.js';
import { InstanceResolver } from './platform/tenancy/instance-resolver.js';

export interface RunningServer {
  readonly port: number;
  readonly url: string;
  readonly app: INestApplicationContext;
  readonly database: OpenDatabase;
  readonly log: Logger;
  close(): Promise<void>;
}

async function nodeIdFrom(database: OpenDatabase): Promise<number> {
  const [row] = await database.dataSource.query(`SELECT nextval('id_generator_nodes') AS n`);
  return Number(BigInt(row.n) % 65536n);
}

/** The server's own services beside the contract: reflection and health, on any host. */
function registerServerServices(app: INestApplicationContext): void {
  const registry = app.get(RpcRegistry);
  const debug = app.get(DebugRoutes);
  const served = () =>
    [...ROUTED_SERVICES, ...registry.all().map((b) => b.service)].filter((s, i, all) => all.indexOf(s) === i);
  for (const binding of [...reflectionBindings(served), healthBinding(() => debug.ready(), { services: served })]) {
    registry.register({ ...binding, instanceless: true });
  }
}

/** What REST serves: the v2 contract at its annotated paths, ZITADEL's v1 APIs under their prefixes. */
const REST_SERVICES: readonly RestService[] = [
  ...CONTRACT_SERVICES,
  ...V1_SERVICES.map((v) => ({ service: v.service, prefix: v.restPrefix })),
];

function mountOpenApi(routes: HttpRoutes, registry: RpcRegistry): void {
  let spec: string | undefined; // built on first request: it walks every descriptor
  routes.mount('/openapi', (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path.endsWith('.json')) {
      spec ??= JSON.stringify(
        buildOpenApi(
          REST_SERVICES,
          { title: 'Portcullis API (ZITADEL v2 contract)', version: '2' },
          { extraBindings: registry.httpBindings() },
        ),
      );
      (res as import('node:http').ServerResponse).writeHead(200, { 'content-type': 'application/json' });
      res.end(spec);
      return;
    }
    const html = openApiHtml('/openapi/v2.json');
    (res as import('node:http').ServerResponse).writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html);
  });
}

/** The application without a port: what a server listens with, and what medium tests call in-process. */
export interface BootedApplication {
  readonly app: INestApplicationContext;
  readonly database: OpenDatabase;
  readonly registry: RpcRegistry;
  /** Every RPC's interceptors, in order: what each transport (and an in-process caller) runs a method through. */
  readonly interceptors: Interceptor[];
  /** Closes the Nest context, then the database. */
  close(): Promise<void>;
}

/** Boots database (embedded or external), Nest modules, the first instance and the RPC pipeline; opens no port. */
export async function bootApplication(
  config: Config,
  log: Logger = createLogger(config.logLevel),
): Promise<BootedApplication> {
  const database = await openDatabase(config, log);
  try {
    const masterKey = resolveMasterKey(config, database.embedded, log);
    const ids = new IdGenerator(await nodeIdFrom(database));
    const app = await NestFactory.createApplicationContext(
      AppModule.create({ config, log, dataSource: database.dataSource, ids, masterKey }),
      { logger: ['error', 'warn'], abortOnError: false },
    );
    const unbridged = registerBetaBridges(app.get(RpcRegistry));
    log.debug({ unbridged }, 'v2beta methods served by their v2 handlers, except these');
    registerServerServices(app);
    await app.get(FirstInstanceSetup).run();
    await app.get(ConsoleSetup).run();

    const registry = app.get(RpcRegistry);
    const interceptors = createPipeline({
      registry,
      resolver: app.get(InstanceResolver),
      authenticator: app.get(Authenticator),
      systemTokens: app.get(SystemTokenVerifier),
      metrics: app.get(Metrics),
      rateLimiter: app.get(RateLimiter),
      executions: app.get(RpcExecutions),
      log,
    });
    return {
      app,
      database,
      registry,
      interceptors,
      close: async () => {
        await app.close();
        await database.close();
      },
    };
  } catch (err) {
    await database.close();
    throw err;
  }
}

/** Boots the application and serves it on the one port. */
export async function startServer(config: Config, log: Logger = createLogger(config.logLevel)): Promise<RunningServer> {
  const booted = await bootApplication(config, log);
  const { app, database, registry, interceptors } = booted;
  try {
    const invoker = new UnaryInvoker(registry, interceptors);
    const rest = createRestHandler({
      services: REST_SERVICES,
      invoker,
      extraBindings: registry.httpBindings(),
    });
    const routes = app.get(HttpRoutes);
    mountOpenApi(routes, registry);

    const fallback = async (req: HttpRequest, res: HttpResponse): Promise<void> => {
      const url = new URL(req.url ?? '/', 'http://x');
      const path = url.pathname;
      const mounted = routes.find(path, req.method);
      if (mounted) return mounted(req, res);
      const protocol = rpcProtocolOf(req.method ?? 'GET', path, req.headers, url.searchParams);
      if (protocol) return answerUnknownProcedure(req, res, protocol, path);
      if (await rest.handle(req, res)) return;
      const { status, body } = toRestError(
        NotFound('HTTP-r0ut3', `no route for ${req.method} ${path}; see /openapi/ for the API`),
      );
      sendJson(res, status, body);
    };
    const server = new OnePortServer({
      registry,
      services: ROUTED_SERVICES,
      interceptors,
      fallback,
      log,
      grpcUnary: new GrpcUnaryFastPath(registry, invoker),
    });
    const address: AddressInfo = await server.listen(config.port, config.host);
    const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
    log.info({ port: address.port, externalUrl: config.externalUrl }, `Portcullis listening on port ${address.port}`);

    let closing: Promise<void> | undefined;
    return {
      port: address.port,
      url,
      app,
      database,
      log,
      close: () =>
        (closing ??= (async () => {
          await server.close(config.shutdownGraceSeconds * 1000);
          await booted.close();
        })()),
    };
  } catch (err) {
    await booted.close();
    throw err;
  }
}
