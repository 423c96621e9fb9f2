// Two server processes on one database (as behind a load balancer): what one writes, the other
// sees within a second (settings, policies, web key rotation), and a session made on one is
// used on the other. Separate processes on purpose: nothing in-memory can be shared.
//
// Seam for OIDC (code exchange and device code across processes): add cases here that start the
// flow on `a` and finish it on `b`.
import { Code } from '@connectrpc/connect';
import { SessionService } from '@zitadel/proto/zitadel/session/v2/session_service_pb.js';
import { SettingsService } from '@zitadel/proto/zitadel/settings/v2/settings_service_pb.js';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { WebKeyService } from '@zitadel/proto/zitadel/webkey/v2/webkey_service_pb.js';
import { State as WebKeyState } from '@zitadel/proto/zitadel/webkey/v2/key_pb.js';
import { generateKeyPairSync } from 'node:crypto';
import { SystemService } from '@zitadel/proto/zitadel/system_pb.js';
import { SignJWT } from 'jose';
import { client, codeOf } from '../support/clients.js';
import { restOnHost } from '../support/instances.js';
import { freshData, startChild, stopChild, type ChildServer } from './support/child-server.js';

let a: ChildServer;
let b: ChildServer;

/** A system API user both processes know, to create instances through one of them. */
const operator = generateKeyPairSync('rsa', { modulusLength: 2048 });
const SYSTEM_USERS = {
  PORTCULLIS_SYSTEMAPIUSERS: JSON.stringify({
    ops: {
      KeyData: Buffer.from(operator.publicKey.export({ type: 'spki', format: 'pem' }) as string).toString('base64'),
    },
  }),
};

beforeAll(async () => {
  const data = await freshData();
  a = await startChild(data, SYSTEM_USERS);
  b = await startChild(data, SYSTEM_USERS);
});
afterAll(() => Promise.all([stopChild(a), stopChild(b)]));

/** Polls `seen` on the other process until it holds; fails after `ms`. Returns how long it took. */
async function within(ms: number, seen: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await seen()) return Date.now() - started;
    if (Date.now() - started > ms) throw new Error(`not seen within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

it('sees security settings set on the other process within a second', async () => {
  await client(SettingsService, 'grpc', a.baseUrl, a.adminPat).setSecuritySettings({
    embeddedIframe: { enabled: true, allowedOrigins: ['https://two.example.com'] },
    enableImpersonation: true,
  });
  const onB = client(SettingsService, 'connect-h1', b.baseUrl, b.adminPat);
  await within(1_000, async () => {
    const { settings } = await onB.getSecuritySettings({});
    return !!settings?.enableImpersonation && settings.embeddedIframe?.allowedOrigins[0] === 'https://two.example.com';
  });
});

it('sees a lockout policy update on the other process within a second', async () => {
  const res = await fetch(`${a.baseUrl}/admin/v1/policies/password/lockout`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${a.adminPat}`, 'content-type': 'application/json' },
    body: JSON.stringify({ maxPasswordAttempts: 7, maxOtpAttempts: 5 }),
  });
  expect(res.status).toBe(200);
  const onB = client(SettingsService, 'grpc', b.baseUrl, b.adminPat);
  await within(1_000, async () => (await onB.getLockoutSettings({})).settings?.maxPasswordAttempts === 7n);
});

it('signs with, and publishes, a web key activated on the other process within a second', async () => {
  const onA = client(WebKeyService, 'grpc', a.baseUrl, a.adminPat);
  const { id } = await onA.createWebKey({ key: { case: 'ed25519', value: {} as never } });
  // Published (initial) on both before it is active, so caches can pick it up.
  await within(1_000, async () =>
    ((await (await fetch(`${b.baseUrl}/oauth/v2/keys`)).json()) as { keys: { kid: string }[] }).keys.some(
      (k) => k.kid === id,
    ),
  );
  await onA.activateWebKey({ id });
  const onB = client(WebKeyService, 'connect-h1', b.baseUrl, b.adminPat);
  await within(
    1_000,
    async () => (await onB.listWebKeys({})).webKeys.find((k) => k.id === id)?.state === WebKeyState.ACTIVE,
  );
});

it('uses a session created on one process with SetSession on the other', async () => {
  const username = `two-${Date.now()}`;
  const { userId } = await client(UserService, 'grpc', a.baseUrl, a.adminPat).addHumanUser({
    username,
    profile: { givenName: 'Two', familyName: 'Processes' },
    email: { email: `${username}@example.com`, verification: { case: 'isVerified', value: true } },
    passwordType: { case: 'password', value: { password: 'Secr3t!pass', changeRequired: false } },
  });
  const created = await client(SessionService, 'grpc', a.baseUrl, a.adminPat).createSession({
    checks: { user: { search: { case: 'userId', value: userId } } },
  });
  const set = await client(SessionService, 'connect-h2', b.baseUrl, b.adminPat).setSession({
    sessionId: created.sessionId,
    sessionToken: created.sessionToken,
    checks: { password: { password: 'Secr3t!pass' } },
  });
  // The new token works on the first process; the old one no longer does (on either).
  const { session } = await client(SessionService, 'grpc', a.baseUrl, set.sessionToken).getSession({
    sessionId: created.sessionId,
  });
  expect(session?.factors?.password?.verifiedAt).toBeDefined();
  expect(
    await codeOf(
      client(SessionService, 'grpc', b.baseUrl, a.adminPat).setSession({
        sessionId: created.sessionId,
        sessionToken: created.sessionToken,
      }),
    ),
  ).toBe(Code.PermissionDenied);
});

it('serves an instance created through the system API of one process on the other within a second', async () => {
  const now = Math.floor(Date.now() / 1000);
  // The default PORTCULLIS_EXTERNAL_URL is the audience of system tokens.
  const jwt = await new SignJWT({ aud: 'http://localhost:8080', iat: now, exp: now + 300 })
    .setProtectedHeader({ alg: 'RS256' })
    .setIssuer('ops')
    .setSubject('ops')
    .sign(operator.privateKey);
  const domain = `tenant-${now}.processes.test`;
  const created = await client(SystemService, 'grpc', a.baseUrl, jwt).createInstance({
    instanceName: 'Across processes',
    customDomain: domain,
    owner: { case: 'machine', value: { userName: 'tenant-admin', name: 'Tenant admin', personalAccessToken: {} } },
  });
  const waited = await within(1_000, async () => {
    const res = await restOnHost(b, `${domain}:${b.port}`, 'GET', '/admin/v1/instances/me', created.pat);
    return res.status === 200 && JSON.parse(res.body).instance.id === created.instanceId;
  });
  expect(waited).toBeLessThan(1_000);
});
