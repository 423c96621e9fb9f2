import { codeOf } from '../../../support/clients.js';
import { ConnectError } from '@connectrpc/connect';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { Transactions } from '../../../../src/platform/database/transactions.js';
import { systemCaller } from '../../../../src/platform/rpc/call-context.js';
import { InstanceResolver } from '../../../../src/platform/tenancy/instance-resolver.js';
import { UsersService } from '../../../../src/users/users.service.js';
import { client } from '../../../support/clients.js';
import type { TestServer } from '../../../support/test-server.js';

let n = 0;

export interface HumanOptions {
  readonly orgId?: string;
  readonly emailVerified?: boolean;
  /** A verified phone number. */
  readonly phone?: string;
}

/** A human made through the contract (AddHumanUser as the instance admin), active when its email is verified. */
export async function addHuman(
  server: TestServer,
  options: HumanOptions = {},
): Promise<{ userId: string; username: string }> {
  const username = `mfa${Date.now().toString(36)}${n++}`;
  const admin = client(UserService, 'grpc', server.baseUrl, server.adminPat);
  const { userId } = await admin.addHumanUser({
    username,
    organization: options.orgId ? { org: { case: 'orgId', value: options.orgId } } : undefined,
    profile: { givenName: 'Mia', familyName: 'Factor' },
    email: {
      email: `${username}@example.com`,
      verification:
        options.emailVerified === false ? { case: 'returnCode', value: {} } : { case: 'isVerified', value: true },
    },
    phone: options.phone ? { phone: options.phone, verification: { case: 'isVerified', value: true } } : undefined,
    passwordType: { case: 'password', value: { password: 'Secr3t!pass', changeRequired: false } },
  });
  return { userId, username };
}

/** A personal access token for a human (the API only issues them to machines), to call as that user. */
export async function patFor(server: TestServer, user: { userId: string; orgId: string }): Promise<string> {
  const instance = await server.app.get(InstanceResolver).resolve('127.0.0.1');
  const caller = systemCaller(instance, 'test');
  return server.app.get(Transactions).run(async (tx) => {
    const { token } = await server.app
      .get(UsersService)
      .addPersonalAccessToken(
        tx,
        caller,
        { id: user.userId, resourceOwner: user.orgId },
        new Date(Date.now() + 3600_000),
      );
    return token;
  });
}

export async function errorOf(call: Promise<unknown>): Promise<ConnectError> {
  try {
    await call;
  } catch (err) {
    return ConnectError.from(err);
  }
  throw new Error('the call succeeded');
}

export async function defaultOrgOf(server: TestServer): Promise<string> {
  const [{ default_org_id }] = await server.database.dataSource.query('SELECT default_org_id FROM instances');
  return default_org_id as string;
}

export { codeOf };
