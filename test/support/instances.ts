import { OrgsService } from '../../src/orgs/orgs.service.js';
import { MembershipCommands } from '../../src/platform/authz/membership-commands.js';
import { Transactions } from '../../src/platform/database/transactions.js';
import { IdGenerator } from '../../src/platform/ids/id-generator.js';
import { systemCaller } from '../../src/platform/rpc/call-context.js';
import { InstanceResolver } from '../../src/platform/tenancy/instance-resolver.js';
import { Instance, InstanceDomain } from '../../src/platform/tenancy/instance.entity.js';
import type { RunningServer } from '../../src/server.js';
import { UsersService } from '../../src/users/users.service.js';
import { WebKeysService } from '../../src/webkeys/webkeys.service.js';

export interface OtherInstance {
  readonly instanceId: string;
  /** The server's URL under the host that now belongs to this instance. */
  readonly baseUrl: string;
  /** PAT of a machine user with IAM_OWNER on this instance. */
  readonly adminPat: string;
  readonly orgId: string;
}

/**
 * A second instance in the same database and process, answering on `domain` (taken from the
 * first instance, whose test clients call it at 127.0.0.1): its own signing key, an org and an
 * IAM_OWNER machine user with a PAT, so cross-instance requests travel the real transports.
 */
export async function otherInstance(server: RunningServer & { port: number }, domain = 'localhost'): Promise<OtherInstance> {
  const app = server.app;
  const id = app.get(IdGenerator).next();
  const instance: Instance = { id, name: `Other ${id}`, defaultOrgId: null, primaryDomain: domain, createdAt: new Date() };
  const created = await app.get(Transactions).run(async (tx) => {
    await tx.insert(Instance, instance);
    await tx.upsert(InstanceDomain, { domain, instanceId: id, isGenerated: false, createdAt: new Date() }, ['domain']);
    const caller = systemCaller(instance, 'test-other-instance');
    await app.get(WebKeysService).ensureActiveKey(caller, tx);
    const org = await app.get(OrgsService).create(caller, { name: 'Other instance org', admins: [] }, tx);
    await tx.update(Instance, { id }, { defaultOrgId: org.id });
    const users = app.get(UsersService);
    const machineId = await users.addMachine(tx, caller, org.id, { username: `other-admin-${id}`, name: 'other instance admin' });
    await app.get(MembershipCommands).grant(tx, caller, { userId: machineId, level: 'instance', resourceId: id, resourceOwner: id, roles: ['IAM_OWNER'] });
    const { token } = await users.addPersonalAccessToken(tx, caller, { id: machineId, resourceOwner: org.id }, new Date(Date.now() + 3600_000));
    return { orgId: org.id, adminPat: token };
  });
  app.get(InstanceResolver).forget();
  return { instanceId: id, baseUrl: `http://${domain}:${server.port}`, ...created };
}
