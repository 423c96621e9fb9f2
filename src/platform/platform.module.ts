import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { Authenticator } from './auth/authenticator.js';
import { SystemTokenVerifier } from './auth/system-token.js';
import { MembershipCommands } from './authz/membership-commands.js';
import { MembershipQueries } from './authz/membership-queries.js';
import { Config } from './config/config.js';
import { MasterKey } from './crypto/master-key.js';
import { Transactions } from './database/transactions.js';
import { PgNotifications } from './database/pg-notifications.js';
import { ChangeFeed } from './cache/change-feed.js';
import { EventStore } from './events/event-store.js';
import { HttpRoutes } from './http/http-routes.js';
import { OutboundHttp } from './http/outbound.js';
import { RateLimiter } from './http/rate-limit.js';
import { IdGenerator } from './ids/id-generator.js';
import { LOGGER } from './logging/logger-token.js';
import { DebugRoutes } from './observability/debug-routes.js';
import { Metrics } from './observability/metrics.js';
import { RpcRegistry } from './rpc/registry.js';
import { InstanceResolver } from './tenancy/instance-resolver.js';

export { LOGGER };

/** What boot made before Nest starts: configuration, logger, open database, id source, key. */
export interface Runtime {
  readonly config: Config;
  readonly log: Logger;
  readonly dataSource: DataSource;
  readonly ids: IdGenerator;
  readonly masterKey: MasterKey;
}

const SERVICES = [
  Transactions,
  PgNotifications,
  ChangeFeed,
  EventStore,
  RpcRegistry,
  HttpRoutes,
  InstanceResolver,
  Authenticator,
  SystemTokenVerifier,
  MembershipQueries,
  MembershipCommands,
  Metrics,
  DebugRoutes,
];

/** Shared plumbing every resource module can inject. */
@Global()
@Module({})
export class PlatformModule {
  static forRoot(runtime: Runtime): DynamicModule {
    const values = [
      { provide: Config, useValue: runtime.config },
      { provide: LOGGER, useValue: runtime.log },
      { provide: DataSource, useValue: runtime.dataSource },
      { provide: IdGenerator, useValue: runtime.ids },
      { provide: MasterKey, useValue: runtime.masterKey },
      // One limiter per process, shared by the RPC pipeline and plain HTTP routes (OIDC token endpoint).
      { provide: RateLimiter, useValue: new RateLimiter({ perMinute: runtime.config.rateLimitPerMinute }) },
      // The one client for URLs the server is given (SSRF and DNS-rebinding guard).
      { provide: OutboundHttp, useValue: OutboundHttp.fromConfig(runtime.config) },
    ];
    return {
      module: PlatformModule,
      providers: [...values, ...SERVICES],
      exports: [...values.map((v) => v.provide), ...SERVICES],
    };
  }
}
