import { createPrivateKey } from 'node:crypto';
import { Code } from '@connectrpc/connect';
import { InternalPermissionService } from '@zitadel/proto/zitadel/internal_permission/v2beta/internal_permission_service_pb.js';
import { OrganizationService } from '@zitadel/proto/zitadel/org/v2beta/org_service_pb.js';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { SignJWT } from 'jose';
import { Browser, codeFlow, oidcWorld, rp } from '../oidc/support.js';
import { client, codeOf, rest } from '../support/clients.js';
import { machineWithRoles } from '../support/principals.js';
import { eventually } from '../support/receivers.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';

/**
 * The read caches (PATs, memberships, settings, OIDC clients, feature flags, active users' claims,
 * org summaries) against two processes on one
 * database: what one process or plain SQL changes, the other stops serving from its cache.
 */
let a: TestServer;
let b: TestServer;
let orgId: string;

beforeAll(async () => {
  a = await bootTestServer();
  b = await bootTestServer({}, a);
  orgId = (
    await client(OrganizationService, 'grpc', a.baseUrl, a.adminPat).createOrganization({ name: `Cache ${Date.now()}` })
  ).id;
}, 60_000);
afterAll(async () => {
  await b?.close();
  await a?.close();
});

const sql = (query: string, params: unknown[] = []) => a.database.dataSource.query(query, params);
const org = (id: string) => ({ resource: { case: 'organizationId' as const, value: id } });

/** `portcullis_cache_lookups_total` of one cache and result, as the process's /debug/metrics shows it. */
async function lookups(server: TestServer, cache: string, result: 'hit' | 'miss'): Promise<number> {
  const text = await (await fetch(`${server.baseUrl}/debug/metrics`)).text();
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`portcullis_cache_lookups_total{cache="${cache}",result="${result}"}`));
  return Number(line?.split(' ')[1] ?? 0);
}

/** A machine that may read the org (ORG_OWNER_VIEWER), and its PAT; the probe reads the org's metadata. */
async function orgReader() {
  const machine = await machineWithRoles(a, orgId, { level: 'org', resourceId: orgId, roles: ['ORG_OWNER_VIEWER'] });
  const readOrg = (server: TestServer) =>
    codeOf(
      client(OrganizationService, 'grpc', server.baseUrl, machine.pat).listOrganizationMetadata({
        organizationId: orgId,
      }),
    );
  return { ...machine, readOrg };
}

const deniedWithin = (probe: () => Promise<Code | 'ok'>, code: Code, what: string) =>
  eventually(async () => ((await probe()) === code ? true : undefined), what, 3_000);

describe('read caches across processes', () => {
  it('serves repeated authentications from the cache', async () => {
    const reader = await orgReader();
    expect(await reader.readOrg(a)).toBe('ok');
    // The change feed may still deliver the new PAT's and membership's own notifications, which
    // empty the entries the first read filled; once it is quiet, a repeated read is a hit.
    await eventually(
      async () => {
        const hits = await lookups(a, 'personal_access_tokens', 'hit');
        expect(await reader.readOrg(a)).toBe('ok');
        return (await lookups(a, 'personal_access_tokens', 'hit')) > hits ? true : undefined;
      },
      'a repeated authentication served from the PAT cache',
      3_000,
    );
    expect(await lookups(a, 'memberships', 'hit')).toBeGreaterThan(0);
  });

  it('a membership removed on B is refused on A, whose cache held it', async () => {
    const reader = await orgReader();
    expect(await reader.readOrg(a)).toBe('ok');
    expect(await reader.readOrg(a)).toBe('ok');
    await client(InternalPermissionService, 'grpc', b.baseUrl, b.adminPat).deleteAdministrator({
      userId: reader.userId,
      resource: org(orgId),
    });
    await deniedWithin(() => reader.readOrg(a), Code.PermissionDenied, 'A to refuse the removed membership');
  });

  it('a feature flag set on B is followed by A within a second (A cached the flags in force)', async () => {
    const device = async (server: TestServer) =>
      (await fetch(`${server.baseUrl}/oauth/v2/device?user_code=BCDF-GHJK`, { redirect: 'manual' })).headers.get(
        'location',
      );
    const custom = 'https://login.tenant.example/ui/v2/login/device?user_code=BCDF-GHJK';
    expect(await device(a)).toBe('/ui/v2/login/device?user_code=BCDF-GHJK');
    const before = await lookups(a, 'instance_features', 'hit');
    expect(await device(a)).toBe('/ui/v2/login/device?user_code=BCDF-GHJK');
    expect(await lookups(a, 'instance_features', 'hit')).toBeGreaterThan(before);
    const body = { loginV2: { required: true, baseUri: 'https://login.tenant.example/ui/v2/login' } };
    expect((await rest(b.baseUrl, 'PUT', '/v2/features/instance', { token: b.adminPat, body })).status).toBe(200);
    try {
      await eventually(async () => ((await device(a)) === custom ? true : undefined), 'A to follow the flag', 1_000);
    } finally {
      await rest(b.baseUrl, 'DELETE', '/v2/features/instance', { token: b.adminPat });
    }
  });

  it('reads its own writes at once: a membership removed on A is refused by A on the next call', async () => {
    const reader = await orgReader();
    for (let i = 0; i < 3; i++) expect(await reader.readOrg(a)).toBe('ok');
    await client(InternalPermissionService, 'grpc', a.baseUrl, a.adminPat).deleteAdministrator({
      userId: reader.userId,
      resource: org(orgId),
    });
    expect(await reader.readOrg(a)).toBe(Code.PermissionDenied);
  });

  it('a PAT expired or a user locked by plain SQL is refused by both processes', async () => {
    const reader = await orgReader();
    expect(await reader.readOrg(a)).toBe('ok');
    expect(await reader.readOrg(b)).toBe('ok');
    await sql(`UPDATE users SET state = 'locked' WHERE id = $1`, [reader.userId]);
    await deniedWithin(() => reader.readOrg(a), Code.Unauthenticated, 'A to refuse the locked user');
    await deniedWithin(() => reader.readOrg(b), Code.Unauthenticated, 'B to refuse the locked user');
    await sql(`UPDATE users SET state = 'active' WHERE id = $1`, [reader.userId]);
    await eventually(
      async () => ((await reader.readOrg(a)) === 'ok' ? true : undefined),
      'A to accept the user again',
      3_000,
    );
    await sql(`UPDATE personal_access_tokens SET expires_at = now() - interval '1 second' WHERE user_id = $1`, [
      reader.userId,
    ]);
    await deniedWithin(() => reader.readOrg(b), Code.Unauthenticated, 'B to refuse the expired PAT');
  });

  it('caches nothing while its LISTEN connection is down, and again once it is back', async () => {
    const reader = await orgReader();
    expect(await reader.readOrg(a)).toBe('ok');
    await sql(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'portcullis-listen' AND pid <> pg_backend_pid()`,
    );
    // Both processes lost their listener: a change made now reaches them by no notification,
    // yet neither may answer from what it cached before.
    await eventually(
      async () => {
        await sql(`UPDATE users SET state = 'locked' WHERE id = $1`, [reader.userId]);
        const [onA, onB] = await Promise.all([reader.readOrg(a), reader.readOrg(b)]);
        await sql(`UPDATE users SET state = 'active' WHERE id = $1`, [reader.userId]);
        return onA === Code.Unauthenticated && onB === Code.Unauthenticated ? true : undefined;
      },
      'both processes to read through while not listening',
      3_000,
    );
    // Reconnected (every second): the cache is used again.
    await eventually(
      async () => {
        const [{ n }] = await sql(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'portcullis-listen'`,
        );
        return n >= 2 ? true : undefined;
      },
      'both listeners to reconnect',
      5_000,
    );
    await eventually(
      async () => {
        const hits = await lookups(a, 'personal_access_tokens', 'hit');
        expect(await reader.readOrg(a)).toBe('ok');
        return (await lookups(a, 'personal_access_tokens', 'hit')) > hits ? true : undefined;
      },
      'A to serve from its cache again',
      3_000,
    );
  });
});

describe('OIDC answers across processes (active users and their orgs are cached)', () => {
  it("a user changed, deactivated or locked on B, or its org deactivated on B, is followed by A's userinfo and introspection", async () => {
    const world = await oidcWorld(a);
    const signIn = async () =>
      (
        await codeFlow(
          a,
          new Browser(),
          await rp(a, world.web.clientId, world.web.clientSecret),
          world.user.username,
          'openid profile',
        )
      ).access_token;
    let access_token = await signIn();
    const userinfo = async (): Promise<Record<string, unknown> | number> => {
      const res = await fetch(`${a.baseUrl}/oidc/v1/userinfo`, {
        headers: { authorization: `Bearer ${access_token}` },
      });
      return res.status === 200 ? ((await res.json()) as Record<string, unknown>) : res.status;
    };
    const introspected = async (): Promise<Record<string, unknown>> => {
      const res = await fetch(`${a.baseUrl}/oauth/v2/introspect`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${world.api.clientId}:${world.api.clientSecret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ token: access_token }).toString(),
      });
      return (await res.json()) as Record<string, unknown>;
    };
    const refusedWithin = (what: string) =>
      eventually(async () => ((await userinfo()) === 401 ? true : undefined), what, 3_000);
    const servedWithin = (what: string) =>
      eventually(async () => (typeof (await userinfo()) === 'object' ? true : undefined), what, 3_000);

    expect(await userinfo()).toMatchObject({ sub: world.user.id, given_name: 'Alice' });
    await eventually(
      async () => {
        const hits = await lookups(a, 'active_users', 'hit');
        expect(await introspected()).toMatchObject({ active: true, given_name: 'Alice' });
        return (await lookups(a, 'active_users', 'hit')) > hits ? true : undefined;
      },
      "a repeated answer served from A's user cache",
      3_000,
    );
    expect(await lookups(a, 'org_summaries', 'hit')).toBeGreaterThan(0);

    const usersOnB = client(UserService, 'grpc', b.baseUrl, b.adminPat);
    await usersOnB.updateHumanUser({ userId: world.user.id, profile: { givenName: 'Alicia', familyName: 'Archer' } });
    await eventually(
      async () => ((await introspected()).given_name === 'Alicia' ? true : undefined),
      "A's introspection to show the name changed on B",
      3_000,
    );
    expect(await userinfo()).toMatchObject({ given_name: 'Alicia' });

    await usersOnB.deactivateUser({ userId: world.user.id });
    await refusedWithin('A to refuse the token of the user deactivated on B');
    expect(await introspected()).toEqual({ active: false });
    await usersOnB.reactivateUser({ userId: world.user.id });
    // The deactivation ended the user's tokens for good (ZITADEL): the reactivated user signs in again.
    expect(await userinfo()).toBe(401);
    access_token = await signIn();
    await servedWithin('A to serve the user reactivated on B');
    await sql(`UPDATE users SET state = 'locked' WHERE id = $1`, [world.user.id]);
    await refusedWithin('A to refuse the token of the user locked by plain SQL');
    await sql(`UPDATE users SET state = 'active' WHERE id = $1`, [world.user.id]);
    await servedWithin('A to serve the user unlocked by plain SQL');

    await client(OrganizationService, 'grpc', b.baseUrl, b.adminPat).deactivateOrganization({ id: world.orgId });
    await refusedWithin('A to refuse the token of a user whose org B deactivated');
    // The introspecting API app belongs to that org too: it is refused as a client.
    expect(await introspected()).toMatchObject({ error: 'invalid_client' });
  }, 60_000);
});

describe('machine keys across processes (A keeps the imported public key of a key in use)', () => {
  it('a key removed on B is refused by A at the very next JWT-profile grant (ZITADEL reads the key on every grant: GetAuthNKeyPublicKeyByIDAndIdentifier)', async () => {
    const { userId } = await machineWithRoles(a, orgId, {
      level: 'org',
      resourceId: orgId,
      roles: ['ORG_OWNER_VIEWER'],
    });
    const users = (server: TestServer) => client(UserService, 'grpc', server.baseUrl, server.adminPat);
    const { keyId, keyContent } = await users(a).addKey({
      userId,
      expirationDate: { seconds: BigInt(Math.floor(Date.now() / 1000) + 3600), nanos: 0 },
    });
    const privateKey = createPrivateKey(JSON.parse(Buffer.from(keyContent).toString('utf8')).key);
    const grant = async () => {
      const assertion = await new SignJWT({})
        .setProtectedHeader({ alg: 'RS256', kid: keyId })
        .setIssuer(userId)
        .setSubject(userId)
        .setAudience(a.baseUrl)
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(privateKey);
      const res = await fetch(`${a.baseUrl}/oauth/v2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    expect((await grant()).status).toBe(200);
    // As with the PATs: once the feed is quiet after the key's creation, a repeated grant is a hit.
    await eventually(
      async () => {
        const hits = await lookups(a, 'machine-key-objects', 'hit');
        expect((await grant()).status).toBe(200);
        return (await lookups(a, 'machine-key-objects', 'hit')) > hits ? true : undefined;
      },
      'A to verify with the key it imported before',
      3_000,
    );
    await users(b).removeKey({ userId, keyId });
    expect(await grant()).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });
});
