import { request } from 'node:http';
import { MembershipCommands } from '../../src/platform/authz/membership-commands.js';
import { Transactions } from '../../src/platform/database/transactions.js';
import { IdGenerator } from '../../src/platform/ids/id-generator.js';
import { systemCaller } from '../../src/platform/rpc/call-context.js';
import { InstanceResolver } from '../../src/platform/tenancy/instance-resolver.js';
import { Instance, InstanceDomain } from '../../src/platform/tenancy/instance.entity.js';
import { OrgsService } from '../../src/orgs/orgs.service.js';
import { UsersService } from '../../src/users/users.service.js';
import { WebKeysService } from '../../src/webkeys/webkeys.service.js';
import type { TestServer } from './test-server.js';

/**
 * A second instance on the same server, answering on `domain` (send it as the Host header), with
 * a default org, a signing key and a login client (a machine user with IAM_LOGIN_CLIENT on the
 * instance, as ZITADEL's login runs) whose PAT is returned. Made through the real services.
 */
export async function secondInstance(server: TestServer, domain: string): Promise<{ instanceId: string; orgId: string; loginClientPat: string }> {
  const app = server.app;
  const instanceId = app.get(IdGenerator).next();
  const result = await app.get(Transactions).run(async (tx) => {
    const instance = tx.create(Instance, { id: instanceId, name: `Second ${domain}`, defaultOrgId: null, primaryDomain: domain, createdAt: new Date() });
    await tx.insert(Instance, instance);
    await tx.insert(InstanceDomain, { domain, instanceId, isGenerated: false, createdAt: new Date() });
    const caller = systemCaller(instance, 'test');
    await app.get(WebKeysService).ensureActiveKey(caller, tx);
    const org = await app.get(OrgsService).create(caller, { name: 'Second Default', admins: [] }, tx);
    await tx.update(Instance, { id: instanceId }, { defaultOrgId: org.id });
    const users = app.get(UsersService);
    const machineId = await users.addMachine(tx, caller, org.id, { username: 'login-client', name: 'login client' });
    await app.get(MembershipCommands).grant(tx, caller, { userId: machineId, level: 'instance', resourceId: instanceId, resourceOwner: instanceId, roles: ['IAM_LOGIN_CLIENT'] });
    const { token } = await users.addPersonalAccessToken(tx, caller, { id: machineId, resourceOwner: org.id }, new Date(Date.now() + 3600_000));
    return { instanceId, orgId: org.id, loginClientPat: token };
  });
  app.get(InstanceResolver).forget();
  return result;
}

/** A REST call with a chosen Host header (fetch does not let one set it): the instance that host names answers. */
export function restOnHost(server: TestServer, host: string, method: string, path: string, token?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { host, 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) };
    const req = request({ host: '127.0.0.1', port: server.port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}
