import { Code } from '@connectrpc/connect';
import { AdminService } from '@zitadel/proto/zitadel/admin_pb.js';
import { OrganizationService } from '@zitadel/proto/zitadel/org/v2beta/org_service_pb.js';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { client, codeOf, rest } from '../support/clients.js';
import { machineWithRoles } from '../support/principals.js';
import { eventually } from '../support/receivers.js';
import { serverForFile } from '../support/test-server.js';

/** ZITADEL's OIDC settings (v1 admin API): the token lifetimes of the instance's provider. */
const server = serverForFile();

const admin = (token = server().adminPat) => client(AdminService, 'grpc', server().baseUrl, token);
const seconds = (s: number) => ({ seconds: BigInt(s), nanos: 0 });
const HOUR = 3600;

/** A machine user of a new org with a client secret: what asks for client_credentials tokens. */
async function machineClient() {
  const orgId = (
    await client(OrganizationService, 'grpc', server().baseUrl, server().adminPat).createOrganization({
      name: `OIDC settings ${Date.now()}`,
    })
  ).id;
  const { userId } = await machineWithRoles(server(), orgId, {
    level: 'org',
    resourceId: orgId,
    roles: ['ORG_USER_MANAGER'],
  });
  const { clientSecret } = await client(UserService, 'grpc', server().baseUrl, server().adminPat).addSecret({ userId });
  const [{ username }] = await server().database.dataSource.query('SELECT username FROM users WHERE id = $1', [userId]);
  const token = async () => {
    const res = await fetch(`${server().baseUrl}/oauth/v2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: username,
        client_secret: clientSecret,
        scope: 'openid',
      }).toString(),
    });
    return (await res.json()) as { access_token: string; expires_in: number };
  };
  return { orgId, token };
}

describe('OIDC settings through admin v1', () => {
  it("start at ZITADEL's defaults, are added once, updated, and read back over REST", async () => {
    const initial = (await admin().getOIDCSettings({})).settings!;
    expect(initial.accessTokenLifetime?.seconds).toBe(BigInt(12 * HOUR));
    expect(initial.idTokenLifetime?.seconds).toBe(BigInt(12 * HOUR));
    expect(initial.refreshTokenIdleExpiration?.seconds).toBe(BigInt(30 * 24 * HOUR));
    expect(initial.refreshTokenExpiration?.seconds).toBe(BigInt(90 * 24 * HOUR));

    const lifetimes = {
      accessTokenLifetime: seconds(HOUR),
      idTokenLifetime: seconds(2 * HOUR),
      refreshTokenIdleExpiration: seconds(24 * HOUR),
      refreshTokenExpiration: seconds(48 * HOUR),
    };
    expect((await admin().addOIDCSettings(lifetimes)).details?.sequence).toBeGreaterThan(0n);
    expect(await codeOf(admin().addOIDCSettings(lifetimes))).toBe(Code.AlreadyExists);
    expect(await codeOf(admin().updateOIDCSettings(lifetimes))).toBe(Code.FailedPrecondition); // nothing changes

    const updated = await rest(server().baseUrl, 'PUT', '/admin/v1/settings/oidc', {
      token: server().adminPat,
      body: {
        accessTokenLifetime: '1800s',
        idTokenLifetime: '3600s',
        refreshTokenIdleExpiration: '86400s',
        refreshTokenExpiration: '172800s',
      },
    });
    expect(updated.status).toBe(200);
    const read = await rest(server().baseUrl, 'GET', '/admin/v1/settings/oidc', { token: server().adminPat });
    expect(read.body).toMatchObject({
      settings: {
        accessTokenLifetime: '1800s',
        idTokenLifetime: '3600s',
        refreshTokenIdleExpiration: '86400s',
        refreshTokenExpiration: '172800s',
      },
    });

    const events: { event_type: string }[] = await server().database.dataSource.query(
      `SELECT event_type FROM events WHERE event_type LIKE 'instance.oidc.settings.%' ORDER BY created_at, sequence`,
    );
    expect(events.map((e) => e.event_type)).toEqual(['instance.oidc.settings.added', 'instance.oidc.settings.changed']);
  });

  it('refuses a lifetime under one second, naming the field, and changes nothing', async () => {
    const before = (await admin().getOIDCSettings({})).settings!;
    const bad = await rest(server().baseUrl, 'PUT', '/admin/v1/settings/oidc', {
      token: server().adminPat,
      body: {
        accessTokenLifetime: '0s',
        idTokenLifetime: '3600s',
        refreshTokenIdleExpiration: '86400s',
        refreshTokenExpiration: '0.5s',
      },
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('access_token_lifetime');
    expect(JSON.stringify(bad.body)).toContain('refresh_token_expiration');
    expect((await admin().getOIDCSettings({})).settings).toEqual(before);
  });

  it('are read and changed only with IAM permissions: an org owner is refused', async () => {
    const { orgId } = await machineClient();
    const owner = await machineWithRoles(server(), orgId, { level: 'org', resourceId: orgId, roles: ['ORG_OWNER'] });
    expect(await codeOf(admin(owner.pat).getOIDCSettings({}))).toBe(Code.PermissionDenied);
    const lifetimes = {
      accessTokenLifetime: seconds(60),
      idTokenLifetime: seconds(60),
      refreshTokenIdleExpiration: seconds(60),
      refreshTokenExpiration: seconds(60),
    };
    expect(await codeOf(admin(owner.pat).updateOIDCSettings(lifetimes))).toBe(Code.PermissionDenied);
    const [{ id: instanceId }] = await server().database.dataSource.query('SELECT id FROM instances');
    const viewer = await machineWithRoles(server(), orgId, {
      level: 'instance',
      resourceId: instanceId,
      roles: ['IAM_OWNER_VIEWER'],
    });
    expect(await codeOf(admin(viewer.pat).getOIDCSettings({}))).toBe('ok');
    expect(await codeOf(admin(viewer.pat).updateOIDCSettings(lifetimes))).toBe(Code.PermissionDenied);
  });

  it('set the lifetime of the access tokens the provider issues, without a restart', async () => {
    const { token } = await machineClient();
    const { idTokenLifetime, refreshTokenIdleExpiration, refreshTokenExpiration } = (await admin().getOIDCSettings({}))
      .settings!;
    await admin().updateOIDCSettings({
      accessTokenLifetime: seconds(300),
      idTokenLifetime,
      refreshTokenIdleExpiration,
      refreshTokenExpiration,
    });
    // The provider is rebuilt on its next check (at most a second later).
    const issued = await eventually(
      async () => {
        const t = await token();
        return t.expires_in <= 300 ? t : undefined;
      },
      'a token with the new lifetime',
      5_000,
    );
    expect(issued.expires_in).toBeGreaterThan(290);
  });
});
