// More concurrent writes than the connection pool has connections: every one completes. A command
// that read settings on a second pooled connection while its transaction held one deadlocked the
// pool here (60 AddHumanUser calls took 160 s); reads inside a unit of work use its transaction.
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { client, TRANSPORTS } from '../support/clients.js';
import { freshData, startChild, stopChild, type ChildServer } from './support/child-server.js';

let server: ChildServer | undefined;
afterAll(() => stopChild(server));

it('answers 60 concurrent AddHumanUser calls (three times the pool) without stalling', async () => {
  server = await startChild(await freshData());
  const target = server;
  const prefix = `pool-${Date.now()}`;
  const results = await Promise.allSettled(
    Array.from({ length: 60 }, (_, n) =>
      client(UserService, TRANSPORTS[n % TRANSPORTS.length], target.baseUrl, target.adminPat).addHumanUser({
        username: `${prefix}-${n}`,
        profile: { givenName: 'Pool', familyName: `N${n}` },
        email: { email: `${prefix}-${n}@example.com`, verification: { case: 'isVerified', value: true } },
      }),
    ),
  );
  expect(
    results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason)),
  ).toEqual([]);
}, 30_000);
