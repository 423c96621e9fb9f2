import type { DescService } from '@bufbuild/protobuf';
import { createClient, type Client } from '@connectrpc/connect';
import type { INestApplicationContext } from '@nestjs/common';
import { UnaryInvoker } from '../../../src/platform/rpc/unary-invoker.js';
import { InstanceResolver } from '../../../src/platform/tenancy/instance-resolver.js';
import type { Instance } from '../../../src/platform/tenancy/instance.entity.js';
import { bootApplication, type BootedApplication } from '../../../src/server.js';
import { factories, type Factories } from '../../support/factories.js';
import { orgActors, type OrgActors } from '../../support/permission-matrix.js';
import { adminPatOf, testConfig, testLogger } from '../../support/test-server.js';
import { inProcessTransport, TEST_HOST } from './in-process-transport.js';

/** The application of one medium test file: Nest context, database clone, first instance; no port. */
export interface MediumApp {
  readonly app: INestApplicationContext;
  readonly database: BootedApplication['database'];
  /** The first instance, which TEST_HOST names. */
  readonly instance: Instance;
  /** The bootstrap machine admin's PAT (IAM_OWNER). */
  readonly adminPat: string;
  /** A typed client of a contract service that calls in-process, as the holder of `token` (none: anonymous). */
  client<S extends DescService>(service: S, token?: string): Client<S>;
  close(): Promise<void>;
}

/** Boots the application on a fresh database clone, without listening anywhere. */
export async function bootMediumApp(env: Record<string, string> = {}): Promise<MediumApp> {
  const config = await testConfig(env);
  const booted = await bootApplication(config, testLogger());
  const invoker = new UnaryInvoker(booted.registry, booted.interceptors);
  return {
    app: booted.app,
    database: booted.database,
    instance: await booted.app.get(InstanceResolver).resolve(TEST_HOST),
    adminPat: adminPatOf(config),
    client: (service, token) => createClient(service, inProcessTransport(invoker, { token })),
    close: () => booted.close(),
  };
}

/** One application for a test file: booted before its tests, closed after them; call the getter inside tests. */
export function mediumAppForFile(env: Record<string, string> = {}): () => MediumApp {
  let medium: MediumApp | undefined;
  beforeAll(async () => {
    medium = await bootMediumApp(env);
  }, 60_000);
  afterAll(async () => {
    await medium?.close();
  });
  return () => medium!;
}

/**
 * The start most medium permission files share: the file's application, factories on it, and
 * the two-org actors (made once, before the file's tests). Call the getters inside tests.
 */
export function mediumPermissionFile(env: Record<string, string> = {}) {
  const medium = mediumAppForFile(env);
  const make = (): Factories => factories(medium());
  let actors: OrgActors | undefined;
  beforeAll(async () => {
    actors = await orgActors(make(), medium().adminPat);
  });
  return { medium, make, actors: (): OrgActors => actors! };
}
