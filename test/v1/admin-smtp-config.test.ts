// ZITADEL's older SMTP config API of admin v1 (GetSMTPConfig … TestSMTPConfig): the same email
// providers as the email-provider API, driven by @zitadel/node's admin client over gRPC and by v1
// REST, with the Terraform provider's zitadel_smtp_config replayed and test mails received by a
// real SMTP server on loopback.
import { OrganizationService as OrgV2beta } from '@zitadel/proto/zitadel/org/v2beta/org_service_pb.js';
import { Status } from 'nice-grpc';
import { client, rest } from '../support/clients.js';
import { otherInstance } from '../support/instances.js';
import { machineWithRoles } from '../support/principals.js';
import { MailCatcher, smtpProviderFor, SMTP_PASSWORD, SMTP_USER, uniqueEmail } from '../support/receivers.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { adminV1, v1Code } from '../support/v1-clients.js';

const ACTIVE = 1;
const INACTIVE = 2;

let server: TestServer;
let smtp: MailCatcher;

const admin = (token = server.adminPat) => adminV1(server.baseUrl, token);

const SENDER = {
  senderAddress: 'noreply@smtp-config.test',
  senderName: 'SMTP Config',
  replyToAddress: 'replies@smtp-config.test',
};
const config = (overrides: Record<string, unknown> = {}) => smtpProviderFor(smtp, SENDER, overrides);

beforeAll(async () => {
  smtp = await new MailCatcher().start();
  server = await bootTestServer({ PORTCULLIS_OUTBOUND_ALLOW_PRIVATE: 'true' });
});
afterAll(async () => {
  await server?.close();
  await smtp?.stop();
});

describe('SMTP configs (ZITADEL: one resource with the email providers, the password never returned)', () => {
  it('zitadel/smtp_config/funcs.go replay: AddSMTPConfig + ActivateSMTPConfig, GetSMTPConfigById, UpdateSMTPConfig, UpdateSMTPConfigPassword (an empty one clears it), RemoveSMTPConfig', async () => {
    // create: AddSMTPConfig without description; the id is the answer's id; set_active activates it.
    const created = await admin().addSMTPConfig(config());
    const id = created.id;
    expect(id).toBeTruthy();
    expect((await admin().getSMTPConfigById({ id })).smtpConfig?.state).toBe(INACTIVE);
    await admin().activateSMTPConfig({ id });

    // read: GetSMTPConfigById, the SMTP fields and the id; the password is kept from the plan.
    const read = (await admin().getSMTPConfigById({ id })).smtpConfig!;
    expect(read).toMatchObject({
      id,
      state: ACTIVE,
      senderAddress: 'noreply@smtp-config.test',
      senderName: 'SMTP Config',
      tls: false,
      host: `127.0.0.1:${smtp.port}`,
      user: SMTP_USER,
      replyToAddress: 'replies@smtp-config.test',
    });
    expect(JSON.stringify(read)).not.toContain(SMTP_PASSWORD);
    // The same resource is the email provider of the newer API, and the active one GetSMTPConfig answers.
    expect((await admin().getEmailProviderById({ id })).config?.smtp?.senderName).toBe('SMTP Config');
    expect((await admin().getSMTPConfig({})).smtpConfig?.id).toBe(id);

    // update: UpdateSMTPConfig with the id and the changed fields (no password), then the password alone.
    await admin().updateSMTPConfig({ ...config({ senderName: 'Renamed', password: '' }), id });
    expect((await admin().getSMTPConfigById({ id })).smtpConfig?.senderName).toBe('Renamed');
    await admin().updateSMTPConfigPassword({ id, password: 'rotated-smtp-password' });
    const [{ secret }] = await server.database.dataSource.query(
      `SELECT secret FROM notification_providers WHERE id = $1`,
      [id],
    );
    expect(secret).not.toContain('rotated-smtp-password');
    // The rotated password is what the SMTP test logs in with: the server refuses it, then accepts the right one.
    const refused = admin().testSMTPConfigById({ id, receiverAddress: uniqueEmail('refused') });
    expect(await v1Code(refused)).toBe(Status.FAILED_PRECONDITION);
    await admin().updateSMTPConfigPassword({ id, password: SMTP_PASSWORD });
    const to = uniqueEmail('smtp-config-by-id');
    await admin().testSMTPConfigById({ id, receiverAddress: to });
    await smtp.waitFor(to);
    // An empty password clears the stored one (ZITADEL): the user alone no longer logs in.
    await admin().updateSMTPConfigPassword({ id, password: '' });
    const [cleared] = await server.database.dataSource.query(
      `SELECT secret FROM notification_providers WHERE id = $1`,
      [id],
    );
    expect(cleared.secret).toBeNull();
    const withoutPassword = admin().testSMTPConfigById({ id, receiverAddress: uniqueEmail('smtp-config-no-pw') });
    expect(await v1Code(withoutPassword)).toBe(Status.FAILED_PRECONDITION);

    // delete: RemoveSMTPConfig with the id; the read then finds nothing (the provider drops it from state).
    await admin().removeSMTPConfig({ id });
    expect(await v1Code(admin().getSMTPConfigById({ id }))).toBe(Status.NOT_FOUND);
    expect(await v1Code(admin().getSMTPConfig({}))).toBe(Status.NOT_FOUND);
  });

  it('TestSMTPConfig sends with the given settings and stores nothing; with an id and no password it uses the stored one', async () => {
    const before = Number((await admin().listSMTPConfigs({})).details?.totalResult);
    const to = uniqueEmail('smtp-config-test');
    const { password: _unused, replyToAddress: _reply, description: _d, ...settings } = config();
    await admin().testSMTPConfig({ ...settings, password: SMTP_PASSWORD, receiverAddress: to, id: '' });
    const [mail] = await smtp.waitFor(to);
    expect(mail.from?.value[0]).toMatchObject({ name: 'SMTP Config', address: 'noreply@smtp-config.test' });
    expect(Number((await admin().listSMTPConfigs({})).details?.totalResult)).toBe(before);

    const { id } = await admin().addSMTPConfig(config());
    const stored = uniqueEmail('smtp-config-stored');
    await admin().testSMTPConfig({ ...settings, password: '', receiverAddress: stored, id });
    await smtp.waitFor(stored);
    // A wrong password: the SMTP server refuses and the test fails with FAILED_PRECONDITION, no password echoed.
    const failed = await v1Code(
      admin().testSMTPConfig({ ...settings, password: 'wrong-pw', receiverAddress: to, id: '' }),
    );
    expect(failed).toBe(Status.FAILED_PRECONDITION);
    await admin().removeSMTPConfig({ id });
  });

  it('lists, activates and deactivates over gRPC and REST (/admin/v1/smtp/...), refusing what ZITADEL refuses', async () => {
    const a = (await admin().addSMTPConfig(config({ description: 'a' }))).id;
    const b = (await admin().addSMTPConfig(config({ description: 'b' }))).id;
    await admin().activateSMTPConfig({ id: a });
    // One active at a time: activating b deactivates a.
    const activated = await rest(server.baseUrl, 'POST', `/admin/v1/smtp/${b}/_activate`, {
      token: server.adminPat,
      body: {},
    });
    expect(activated.status).toBe(200);
    const listed = await rest(server.baseUrl, 'POST', '/admin/v1/smtp/_search', { token: server.adminPat, body: {} });
    expect(listed.status).toBe(200);
    const states = Object.fromEntries(listed.body.result.map((c: { id: string; state: string }) => [c.id, c.state]));
    expect(states).toMatchObject({ [a]: 'SMTP_CONFIG_INACTIVE', [b]: 'SMTP_CONFIG_ACTIVE' });
    expect(JSON.stringify(listed.body)).not.toContain(SMTP_PASSWORD);
    const active = await rest(server.baseUrl, 'GET', '/admin/v1/smtp', { token: server.adminPat });
    expect(active.body.smtpConfig.id).toBe(b);

    await admin().deactivateSMTPConfig({ id: b });
    expect(await v1Code(admin().deactivateSMTPConfig({ id: b }))).toBe(Status.FAILED_PRECONDITION);
    expect(await v1Code(admin().addSMTPConfig(config({ host: 'no-port.example.com' })))).toBe(Status.INVALID_ARGUMENT);
    // ZITADEL's ChangeSMTPConfigPassword takes the active config's password only: an inactive one is NOT_FOUND.
    expect(await v1Code(admin().updateSMTPConfigPassword({ id: a, password: 'x' }))).toBe(Status.NOT_FOUND);
    expect(await v1Code(admin().updateSMTPConfig({ ...config({ description: 'a', password: '' }), id: a }))).toBe(
      Status.FAILED_PRECONDITION,
    );
    const bad = await rest(server.baseUrl, 'POST', '/admin/v1/smtp', {
      token: server.adminPat,
      body: config({ senderAddress: 'not-an-address' }),
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('sender_address');
    // An HTTP email provider shows in the SMTP list with its id and empty SMTP fields.
    const hook = await admin().addEmailProviderHTTP({ endpoint: 'https://hooks.example.test/mail', description: 'h' });
    const viaSmtp = (await admin().getSMTPConfigById({ id: hook.id })).smtpConfig;
    expect(viaSmtp).toMatchObject({ id: hook.id, description: 'h', host: '', senderAddress: '' });
    expect(await v1Code(admin().updateSMTPConfigPassword({ id: hook.id, password: 'x' }))).toBe(
      Status.FAILED_PRECONDITION,
    );
    for (const id of [a, b, hook.id]) await admin().removeSMTPConfig({ id });
  });

  it('refuses org owners (PERMISSION_DENIED) and keeps other instances apart', async () => {
    const orgs = client(OrgV2beta, 'grpc', server.baseUrl, server.adminPat);
    const orgId = (await orgs.createOrganization({ name: `SMTP ${Date.now()}` })).id;
    const { pat } = await machineWithRoles(server, orgId, { level: 'org', resourceId: orgId, roles: ['ORG_OWNER'] });
    const { id } = await admin().addSMTPConfig(config());
    expect(await v1Code(admin(pat).listSMTPConfigs({}))).toBe(Status.PERMISSION_DENIED);
    expect(await v1Code(admin(pat).getSMTPConfigById({ id }))).toBe(Status.PERMISSION_DENIED);
    expect(await v1Code(admin(pat).addSMTPConfig(config()))).toBe(Status.PERMISSION_DENIED);
    expect(await v1Code(admin(pat).removeSMTPConfig({ id }))).toBe(Status.PERMISSION_DENIED);
    expect(await v1Code(admin(pat).testSMTPConfigById({ id, receiverAddress: 'x@example.test' }))).toBe(
      Status.PERMISSION_DENIED,
    );
    const denied = await rest(server.baseUrl, 'GET', `/admin/v1/smtp/${id}`, { token: pat });
    expect(denied.status).toBe(403);

    const other = await otherInstance(server, 'localhost');
    const theirs = adminV1(other.baseUrl, other.adminPat);
    expect(await v1Code(theirs.getSMTPConfigById({ id }))).toBe(Status.NOT_FOUND);
    expect(await v1Code(theirs.removeSMTPConfig({ id }))).toBe(Status.NOT_FOUND);
    expect((await admin().getSMTPConfigById({ id })).smtpConfig?.id).toBe(id);
  });
});
