import { Transactions } from '../../src/platform/database/transactions.js';
import { MembershipCommands } from '../../src/platform/authz/membership-commands.js';
import type { MembershipLevel } from '../../src/platform/authz/permissions.js';
import { systemCaller } from '../../src/platform/rpc/call-context.js';
import { InstanceResolver } from '../../src/platform/tenancy/instance-resolver.js';
import { UsersService } from '../../src/users/users.service.js';
import type { RunningServer } from '../../src/server.js';

let counter = 0;

/**
 * A machine user in `orgId` with roles at one level, and a PAT for it, made through the real
 * services (the user API that would do this arrives with the users issue).
 */
export async function machineWithRoles(
  server: Pick<RunningServer, 'app'>,
  orgId: string,
  grant: {
    level: MembershipLevel;
    resourceId: string;
    roles: string[] /** project grants: the granted project */;
    projectId?: string;
  },
  expiresAt = new Date(Date.now() + 3600_000),
): Promise<{ userId: string; pat: string }> {
  const instance = await server.app.get(InstanceResolver).resolve('127.0.0.1');
  const caller = systemCaller(instance, 'test');
  const users = server.app.get(UsersService);
  return server.app.get(Transactions).run(async (tx) => {
    const userId = await users.addMachine(tx, caller, orgId, {
      username: `machine-${Date.now()}-${counter++}`,
      name: 'test machine',
    });
    await server.app.get(MembershipCommands).grant(tx, caller, {
      userId,
      level: grant.level,
      resourceId: grant.resourceId,
      resourceOwner: grant.level === 'instance' ? instance.id : orgId,
      roles: grant.roles,
      projectId: grant.projectId,
    });
    const { token } = await users.addPersonalAccessToken(tx, caller, { id: userId, resourceOwner: orgId }, expiresAt);
    return { userId, pat: token };
  });
}
