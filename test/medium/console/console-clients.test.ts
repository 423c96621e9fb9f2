import { AppService } from '@zitadel/proto/zitadel/app/v2beta/app_service_pb.js';
import { ConsoleSetup } from '../../../src/bootstrap/console-setup.service.js';
import { ConsoleClients } from '../../../src/console/console-clients.service.js';
import { ConsoleStore } from '../../../src/console/console.store.js';
import { InstanceSetup } from '../../../src/instances/instance-setup.service.js';
import { systemCaller } from '../../../src/platform/rpc/call-context.js';
import { Transactions } from '../../../src/platform/database/transactions.js';
import { InstanceResolver } from '../../../src/platform/tenancy/instance-resolver.js';
import { InstanceDomain } from '../../../src/platform/tenancy/instance.entity.js';
import { mediumAppForFile } from '../support/medium-app.js';

const medium = mediumAppForFile();
const clients = () => medium().app.get(ConsoleClients);
const nextStart = () => medium().app.get(ConsoleSetup).run();
const store = () => medium().app.get(ConsoleStore);
const apps = () => medium().client(AppService, medium().adminPat);

async function eventCount(type: string): Promise<number> {
  const [row] = await medium().database.dataSource.query(
    `SELECT count(*)::int AS n FROM events WHERE instance_id = $1 AND event_type = $2`,
    [medium().instance.id, type],
  );
  return row.n;
}

async function consoleOidc() {
  const row = (await store().client(medium().instance.id))!;
  const { app } = await apps().getApplication({ id: row.appId });
  return { row, oidc: app?.config.case === 'oidcConfig' ? app.config.value : undefined };
}

describe('the console’s OIDC client of each instance (issue #20)', () => {
  it('is made at start, once: another start leaves it and writes nothing', async () => {
    const { row, oidc } = await consoleOidc();
    expect(oidc?.clientId).toBe(row.clientId);
    expect(await eventCount('instance.iam.console.set')).toBe(1);
    const changes = await eventCount('project.application.config.oidc.changed');
    await nextStart();
    expect((await store().client(medium().instance.id))?.appId).toBe(row.appId);
    expect(await eventCount('instance.iam.console.set')).toBe(1);
    expect(await eventCount('project.application.config.oidc.changed')).toBe(changes);
  });

  it('follows the instance’s domains: a new domain gets its redirect URI at the next start, audited', async () => {
    const id = medium().instance.id;
    await medium()
      .app.get(Transactions)
      .run((tx) =>
        tx.insert(InstanceDomain, {
          domain: 'console.example.com',
          instanceId: id,
          isGenerated: false,
          createdAt: new Date(),
        }),
      );
    medium().app.get(InstanceResolver).forget();
    const changes = await eventCount('project.application.config.oidc.changed');
    await nextStart();
    const { oidc } = await consoleOidc();
    expect(oidc?.redirectUris).toContain('http://console.example.com:8080/ui/console/auth/callback');
    expect(oidc?.postLogoutRedirectUris).toContain('http://console.example.com:8080/ui/console/signedout');
    expect(await eventCount('project.application.config.oidc.changed')).toBe(changes + 1);
  });

  it('is gone with its app when someone deleted it, and made again, in the same project, at the next start', async () => {
    const before = await consoleOidc();
    await apps().deleteApplication({ projectId: before.row.projectId, id: before.row.appId });
    expect(await clients().clientIdOf(medium().instance)).toBeUndefined();
    await nextStart();
    const after = await consoleOidc();
    expect(after.row.appId).not.toBe(before.row.appId);
    expect(after.row.projectId).toBe(before.row.projectId);
    expect(await clients().clientIdOf(medium().instance)).toBe(after.oidc?.clientId);
    expect(await eventCount('instance.iam.console.set')).toBe(2);
  });

  it('comes with every new instance, in the transaction that makes it, and follows a domain added later', async () => {
    const setup = medium().app.get(InstanceSetup);
    const tx = medium().app.get(Transactions);
    const created = await tx.run((t) =>
      setup.create(
        t,
        {
          name: 'Tenant',
          domains: [{ domain: 'tenant.example.com', generated: false }],
          orgName: 'Tenant org',
          owners: [
            {
              kind: 'machine',
              username: 'tenant-sa',
              name: 'Tenant SA',
              pat: { expiresAt: new Date(Date.now() + 3600_000) },
            },
          ],
        },
        'test-console',
      ),
    );
    const row = (await store().client(created.instance.id))!;
    const [oidc] = await medium().database.dataSource.query(
      `SELECT redirect_uris FROM app_oidc_configs WHERE instance_id = $1 AND app_id = $2`,
      [created.instance.id, row.appId],
    );
    expect(oidc.redirect_uris).toEqual(['http://tenant.example.com:8080/ui/console/auth/callback']);
    await tx.run((t) =>
      setup.addDomain(t, systemCaller(created.instance, 'test-console'), 'login.tenant.example.com', false),
    );
    const [after] = await medium().database.dataSource.query(
      `SELECT redirect_uris FROM app_oidc_configs WHERE instance_id = $1 AND app_id = $2`,
      [created.instance.id, row.appId],
    );
    expect([...after.redirect_uris].sort()).toEqual([
      'http://login.tenant.example.com:8080/ui/console/auth/callback',
      'http://tenant.example.com:8080/ui/console/auth/callback',
    ]);
  });
});
