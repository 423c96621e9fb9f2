import { request } from 'node:http';
import { OrgsService } from '../../src/orgs/orgs.service.js';
import { MembershipCommands } from '../../src/platform/authz/membership-commands.js';
import { Transactions } from '../../src/platform/database/transactions.js';
import { IdGenerator } from '../../src/platform/ids/id-generator.js';
import { systemCaller, type Caller } from '../../src/platform/rpc/call-context.js';
import { InstanceResolver } from '../../src/platform/tenancy/instance-resolver.js';
import { Instance, InstanceDomain } from '../../src/platform/tenancy/instance.entity.js';
import type { RunningServer } from '../../src/server.js';
import { UsersService } from '../../src/users/users.service.js';
import { WebKeysService } from '../../src/webkeys/webkeys.service.js';
import type { EntityManager } from 'typeorm';

export interface OtherInstance {
  readonly instanceId: string;
  /** The server's URL under the host that now belongs to this instance. */
  readonly baseUrl: string;
  /** PAT of a machine user with IAM_OWNER on this instance. */
  readonly adminPat: string;
  /** PAT of a machine user with IAM_LOGIN_CLIENT on this instance (as ZITADEL's login runs). */
  readonly loginClientPat: string;
  readonly orgId: string;
}

/**
 * A second instance in the same database and process, answering on `domain` (taken from the
 * first instance, whose test clients call it at 127.0.0.1): its own signing key, an org, an
 * IAM_OWNER machine user and a login client with PATs, so cross-instance requests travel the
 * real transports. Made through the real services.
 */
export async function otherInstance(
  server: RunningServer & { port: number },
  domain = 'localhost',
): Promise<OtherInstance> {
  const app = server.app;
  const id = app.get(IdGenerator).next();
  const instance: Instance = {
    id,
    name: `Other ${id}`,
    defaultOrgId: null,
    primaryDomain: domain,
    createdAt: new Date(),
  };
  const created = await app.get(Transactions).run(async (tx) => {
    await tx.insert(Instance, instance);
    await tx.upsert(InstanceDomain, { domain, instanceId: id, isGenerated: false, createdAt: new Date() }, ['domain']);
    const caller = systemCaller(instance, 'test-other-instance');
    await app.get(WebKeysService).ensureActiveKey(caller, tx);
    const org = await app.get(OrgsService).create(caller, { name: 'Other instance org', admins: [] }, tx);
    await tx.update(Instance, { id }, { defaultOrgId: org.id });
    const machineWith = async (name: string, role: string): Promise<string> =>
      machinePat(server, tx, caller, org.id, `${name}-${id}`, role);
    return {
      orgId: org.id,
      adminPat: await machineWith('other-admin', 'IAM_OWNER'),
      loginClientPat: await machineWith('login-client', 'IAM_LOGIN_CLIENT'),
    };
  });
  app.get(InstanceResolver).forget();
  return { instanceId: id, baseUrl: `http://${domain}:${server.port}`, ...created };
}

/** One more domain of an instance (a trusted domain, e.g. the public host of a login on another domain). */
export async function addInstanceDomain(server: RunningServer, instanceId: string, domain: string): Promise<void> {
  await server.app
    .get(Transactions)
    .run((tx) => tx.insert(InstanceDomain, { domain, instanceId, isGenerated: false, createdAt: new Date() }));
  server.app.get(InstanceResolver).forget();
}

/** A machine user of the org with one instance role, and its PAT. */
async function machinePat(
  server: RunningServer,
  tx: EntityManager,
  caller: Caller,
  orgId: string,
  username: string,
  role: string,
): Promise<string> {
  const users = server.app.get(UsersService);
  const machineId = await users.addMachine(tx, caller, orgId, { username, name: username });
  await server.app.get(MembershipCommands).grant(tx, caller, {
    userId: machineId,
    level: 'instance',
    resourceId: caller.instance.id,
    resourceOwner: caller.instance.id,
    roles: [role],
  });
  const { token } = await users.addPersonalAccessToken(
    tx,
    caller,
    { id: machineId, resourceOwner: orgId },
    new Date(Date.now() + 3600_000),
  );
  return token;
}

/** A REST call with a chosen Host header (fetch does not let one set it): the instance that host names answers. */
export function restOnHost(
  server: { readonly port: number },
  host: string,
  method: string,
  path: string,
  token?: string,
  options: { readonly headers?: Record<string, string>; readonly body?: unknown } = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {
      host,
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...options.headers,
    };
    const req = request({ host: '127.0.0.1', port: server.port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(options.body === undefined ? undefined : JSON.stringify(options.body));
  });
}
