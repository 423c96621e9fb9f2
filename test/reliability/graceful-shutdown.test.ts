// Graceful shutdown under load: SIGTERM while requests are in flight lets every one of them
// finish without an error, then the process exits 0; new connections are refused.
import { SessionService } from '@zitadel/proto/zitadel/session/v2/session_service_pb.js';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { client, TRANSPORTS } from '../support/clients.js';
import { freshData, startChild, stopChild, type ChildServer } from './support/child-server.js';
import { MODE } from './support/mode.js';

let server: ChildServer | undefined;
afterAll(() => stopChild(server));

it(`drains ${MODE.drainRequests} in-flight requests on SIGTERM without errors`, async () => {
  server = await startChild(await freshData(), { PORTCULLIS_SHUTDOWN_GRACE_SECONDS: '30' });
  const target = server;
  const username = `drain-${Date.now()}`;
  const admin = client(UserService, 'grpc', target.baseUrl, target.adminPat);
  const { userId } = await admin.addHumanUser({
    username,
    profile: { givenName: 'Drain', familyName: 'Test' },
    email: { email: `${username}@example.com`, verification: { case: 'isVerified', value: true } },
    passwordType: { case: 'password', value: { password: 'Secr3t!pass', changeRequired: false } },
  });

  // Slow ones (argon2id), writes and reads, over every transport.
  const calls = Array.from({ length: MODE.drainRequests }, (_, n) => {
    const t = TRANSPORTS[n % TRANSPORTS.length];
    switch (n % 3) {
      case 0:
        return client(SessionService, t, target.baseUrl, target.adminPat).createSession({
          checks: { user: { search: { case: 'userId', value: userId } }, password: { password: 'Secr3t!pass' } },
        });
      case 1:
        return client(UserService, t, target.baseUrl, target.adminPat).addHumanUser({
          username: `${username}-${n}`,
          profile: { givenName: 'Drain', familyName: `N${n}` },
          email: { email: `${username}-${n}@example.com`, verification: { case: 'isVerified', value: true } },
        });
      default:
        return client(UserService, t, target.baseUrl, target.adminPat).listUsers({ query: { limit: 50 } });
    }
  });
  const settled = Promise.allSettled(calls);
  // Every request is on the wire well before the argon2id checks (~ tens of ms each) are done.
  await new Promise((r) => setTimeout(r, 300));
  target.kill('SIGTERM');

  const results = await settled;
  const failed = results.flatMap((r, n) => (r.status === 'rejected' ? [`#${n}: ${(r.reason as Error).message}`] : []));
  expect(failed).toEqual([]);
  expect(await target.exited).toEqual({ code: 0, signal: null });
  await expect(fetch(`${target.baseUrl}/debug/healthz`)).rejects.toThrow();
});
