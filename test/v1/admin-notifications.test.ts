// Email and SMS providers of ZITADEL's admin v1 API, driven by @zitadel/node's admin client over
// gRPC and by v1 REST, delivering through real receivers: two SMTP servers (the server's own
// settings and the instance's provider), an HTTP provider and a Twilio stand-in on loopback.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OrganizationService as OrgV2beta } from '@zitadel/proto/zitadel/org/v2beta/org_service_pb.js';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { Status } from 'nice-grpc';
import { client, rest } from '../support/clients.js';
import { otherInstance } from '../support/instances.js';
import { machineWithRoles } from '../support/principals.js';
import {
  enqueue,
  eventually,
  MailCatcher,
  outboxRows,
  smtpProviderFor,
  SMTP_PASSWORD,
  SMTP_USER,
  uniqueEmail,
  uniquePhone,
} from '../support/receivers.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { adminV1, v1Code } from '../support/v1-clients.js';

const ACTIVE = 1;
const INACTIVE = 2;
const TWILIO_TOKEN = 'twilio-token-7hd93k';

interface Received {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** Records every POST it gets and answers 200. */
class Recorder {
  readonly received: Received[] = [];
  private server!: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  waitFor(match: (r: Received) => boolean, what: string): Promise<Received> {
    return eventually(() => this.received.find(match), what);
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

let server: TestServer;
let envSmtp: MailCatcher;
let providerSmtp: MailCatcher;
let hooks: Recorder;
let twilio: Recorder;

const admin = (token = server.adminPat) => adminV1(server.baseUrl, token);

const SENDER = {
  senderAddress: 'login@provider.test',
  senderName: 'Provider Login',
  replyToAddress: 'help@provider.test',
};
const smtpProvider = (overrides: Record<string, unknown> = {}) =>
  smtpProviderFor(providerSmtp, SENDER, { description: 'instance SMTP', ...overrides });

const events = (type: string) =>
  server.database.dataSource.query(
    `SELECT aggregate_type, payload FROM events WHERE event_type = $1 ORDER BY sequence`,
    [type],
  ) as Promise<{ aggregate_type: string; payload: Record<string, unknown> }[]>;

beforeAll(async () => {
  envSmtp = await new MailCatcher().start();
  providerSmtp = await new MailCatcher().start();
  hooks = await new Recorder().start();
  twilio = await new Recorder().start();
  server = await bootTestServer({
    PORTCULLIS_SMTP_HOST: '127.0.0.1',
    PORTCULLIS_SMTP_PORT: String(envSmtp.port),
    PORTCULLIS_SMTP_TLS: 'none',
    PORTCULLIS_SMTP_FROM: 'Server Default <default@server.test>',
    PORTCULLIS_NOTIFICATION_RETRY_SECONDS: '1',
    // The HTTP providers of this test listen on loopback, which callers' URLs may not reach by default.
    PORTCULLIS_OUTBOUND_ALLOW_PRIVATE: 'true',
    PORTCULLIS_TWILIO_API_URL: twilio.url,
  });
});
afterAll(async () => {
  await server?.close();
  await Promise.all([envSmtp?.stop(), providerSmtp?.stop(), hooks?.stop(), twilio?.stop()]);
});

describe('email providers (ZITADEL: only the active provider delivers; the server settings stay the default)', () => {
  let smtpId = '';

  it('adds an SMTP provider inactive, its password sealed and never returned, with its event', async () => {
    const added = await admin().addEmailProviderSMTP(smtpProvider({ description: 'first' }));
    smtpId = added.id;
    expect(added.details?.resourceOwner).toBeTruthy();

    const got = await admin().getEmailProviderById({ id: smtpId });
    expect(got.config).toMatchObject({
      id: smtpId,
      state: INACTIVE,
      description: 'first',
      smtp: {
        senderAddress: 'login@provider.test',
        senderName: 'Provider Login',
        host: `127.0.0.1:${providerSmtp.port}`,
        user: SMTP_USER,
        replyToAddress: 'help@provider.test',
      },
    });
    expect(JSON.stringify(got)).not.toContain(SMTP_PASSWORD);
    const [{ secret }] = await server.database.dataSource.query(
      `SELECT secret FROM notification_providers WHERE id = $1`,
      [smtpId],
    );
    expect(secret).toMatch(/^v1\./);
    expect(secret).not.toContain(SMTP_PASSWORD);
    const [added1] = await events('instance.smtp.config.added');
    expect(added1).toMatchObject({ aggregate_type: 'instance', payload: { id: smtpId, kind: 'smtp' } });
    expect(JSON.stringify(added1.payload)).not.toContain(SMTP_PASSWORD);

    // No provider is active: the GetEmailProvider of ZITADEL answers NOT_FOUND.
    expect(await v1Code(admin().getEmailProvider({}))).toBe(Status.NOT_FOUND);
  });

  it('delivers through the server settings until the provider is activated, then through it, and back after deactivation', async () => {
    const before = uniqueEmail('before');
    await enqueue(server, { channel: 'email', to: before });
    const [viaEnv] = await envSmtp.waitFor(before);
    expect(viaEnv.from?.value[0].address).toBe('default@server.test');

    await admin().activateEmailProvider({ id: smtpId });
    expect((await admin().getEmailProvider({})).config?.id).toBe(smtpId);
    const during = uniqueEmail('during');
    await enqueue(server, { channel: 'email', to: during, data: { code: 'PR0V1D' } });
    const [viaProvider] = await providerSmtp.waitFor(during);
    expect(viaProvider.from?.value[0]).toMatchObject({ name: 'Provider Login', address: 'login@provider.test' });
    expect(viaProvider.replyTo?.value[0].address).toBe('help@provider.test');
    expect(viaProvider.text).toContain('PR0V1D');
    // The stored, sealed password is what logged in.
    expect(providerSmtp.logins).toContain(`${SMTP_USER}:${SMTP_PASSWORD}`);
    expect(envSmtp.to(during)).toHaveLength(0);

    await admin().deactivateEmailProvider({ id: smtpId });
    const after = uniqueEmail('after');
    await enqueue(server, { channel: 'email', to: after });
    await envSmtp.waitFor(after);
    expect(providerSmtp.to(after)).toHaveLength(0);
    expect(await events('instance.smtp.config.activated')).toHaveLength(1);
    expect(await events('instance.smtp.config.deactivated')).toHaveLength(1);
  });

  it('refuses what ZITADEL refuses: a host without port, a bad sender, an unchanged update, activating twice', async () => {
    expect(await v1Code(admin().addEmailProviderSMTP(smtpProvider({ host: 'smtp.example.com' })))).toBe(
      Status.INVALID_ARGUMENT,
    );
    expect(await v1Code(admin().addEmailProviderSMTP(smtpProvider({ senderAddress: 'nope' })))).toBe(
      Status.INVALID_ARGUMENT,
    );
    expect(await v1Code(admin().addEmailProviderHTTP({ endpoint: 'ftp://x.test', description: '' }))).toBe(
      Status.INVALID_ARGUMENT,
    );
    const unchanged = smtpProvider({ id: smtpId, description: 'first', password: '' });
    expect(await v1Code(admin().updateEmailProviderSMTP(unchanged))).toBe(Status.FAILED_PRECONDITION);
    expect(await v1Code(admin().deactivateEmailProvider({ id: smtpId }))).toBe(Status.FAILED_PRECONDITION);

    const bad = await rest(server.baseUrl, 'POST', '/admin/v1/email/smtp', {
      token: server.adminPat,
      body: smtpProvider({ host: 'no-port' }),
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('host');
    // Nothing half-written: still one provider.
    expect(Number((await admin().listEmailProviders({})).details?.totalResult)).toBe(1);
  });

  it('updates settings and password separately, the password of the active provider only (ZITADEL ChangeSMTPConfigPassword: inactive is NOT_FOUND); a wrong password then fails delivery, the right one fixes it', async () => {
    await admin().updateEmailProviderSMTP(smtpProvider({ id: smtpId, description: 'renamed', password: '' }));
    expect((await admin().getEmailProviderById({ id: smtpId })).config?.description).toBe('renamed');
    const inactive = admin().updateEmailProviderSMTPPassword({ id: smtpId, password: 'wrong-password-1' });
    expect(await v1Code(inactive)).toBe(Status.NOT_FOUND);
    expect(await events('instance.smtp.config.password.changed')).toHaveLength(0);
    await admin().activateEmailProvider({ id: smtpId });
    await admin().updateEmailProviderSMTPPassword({ id: smtpId, password: 'wrong-password-1' });
    expect(await events('instance.smtp.config.password.changed')).toHaveLength(1);
    expect(await v1Code(admin().testEmailProviderSMTPById({ id: smtpId, receiverAddress: 'x@example.test' }))).toBe(
      Status.FAILED_PRECONDITION,
    );
    await admin().updateEmailProviderSMTPPassword({ id: smtpId, password: SMTP_PASSWORD });
    const to = uniqueEmail('test-by-id');
    await admin().testEmailProviderSMTPById({ id: smtpId, receiverAddress: to });
    await providerSmtp.waitFor(to);
    await admin().deactivateEmailProvider({ id: smtpId });
  });

  it('an HTTP provider receives ZITADEL-shaped JSON once active; activating it deactivates the SMTP one', async () => {
    const { id } = await admin().addEmailProviderHTTP({ endpoint: `${hooks.url}/email`, description: 'hook' });
    await admin().activateEmailProvider({ id: smtpId });
    await admin().activateEmailProvider({ id });
    expect((await admin().getEmailProviderById({ id: smtpId })).config?.state).toBe(INACTIVE);
    expect((await admin().getEmailProvider({})).config).toMatchObject({
      id,
      state: ACTIVE,
      http: { endpoint: `${hooks.url}/email` },
    });

    const to = uniqueEmail('http');
    await enqueue(server, { channel: 'email', to, data: { code: 'H77P01' } });
    const hit = await hooks.waitFor((r) => r.body.includes(to), 'the HTTP email provider call');
    expect(hit.path).toBe('/email');
    expect(hit.headers['content-type']).toBe('application/json');
    const body = JSON.parse(hit.body);
    expect(body.contextInfo).toMatchObject({ eventType: 'verifyEmail', recipientEmailAddress: to, provider: { id } });
    expect(body.templateData.text).toContain('H77P01');
    expect(body.args.code).toBe('H77P01');
    expect(envSmtp.to(to)).toHaveLength(0);

    // REST: the list under /admin/v1, both providers, newest first by default.
    const listed = await rest(server.baseUrl, 'POST', '/admin/v1/email/_search', { token: server.adminPat, body: {} });
    expect(listed.status).toBe(200);
    expect(listed.body.result.map((p: { id: string }) => p.id).sort()).toEqual([id, smtpId].sort());
    expect(JSON.stringify(listed.body)).not.toContain(SMTP_PASSWORD);

    await admin().removeEmailProvider({ id });
    expect(await v1Code(admin().getEmailProviderById({ id }))).toBe(Status.NOT_FOUND);
    expect(await events('instance.smtp.config.removed')).toHaveLength(1);
    // With the active provider gone the server settings deliver again.
    const back = uniqueEmail('back');
    await enqueue(server, { channel: 'email', to: back });
    await envSmtp.waitFor(back);
  });
});

describe('SMS providers', () => {
  it('Twilio: token sealed, delivery with the sid and token to the Messages API once active', async () => {
    const { id } = await admin().addSMSProviderTwilio({
      sid: 'AC123',
      token: TWILIO_TOKEN,
      senderNumber: '+41790000000',
      description: 'twilio',
      verifyServiceSid: '',
    });
    const got = await admin().getSMSProvider({ id });
    expect(got.config).toMatchObject({ id, state: INACTIVE, twilio: { sid: 'AC123', senderNumber: '+41790000000' } });
    expect(JSON.stringify(got)).not.toContain(TWILIO_TOKEN);
    await admin().activateSMSProvider({ id });

    const phone = uniquePhone();
    await enqueue(server, { channel: 'sms', to: phone, data: { code: 'SM5C0D' } });
    const call = await twilio.waitFor((r) => r.body.includes(encodeURIComponent(phone)), 'the Twilio call');
    expect(call.path).toBe('/2010-04-01/Accounts/AC123/Messages.json');
    expect(call.headers.authorization).toBe(`Basic ${Buffer.from(`AC123:${TWILIO_TOKEN}`).toString('base64')}`);
    const form = new URLSearchParams(call.body);
    expect(form.get('To')).toBe(phone);
    expect(form.get('From')).toBe('+41790000000');
    expect(form.get('Body')).toContain('SM5C0D');

    await admin().updateSMSProviderTwilioToken({ id, token: 'rotated-token-22' });
    const next = uniquePhone();
    await enqueue(server, { channel: 'sms', to: next });
    const rotated = await twilio.waitFor((r) => r.body.includes(encodeURIComponent(next)), 'the second Twilio call');
    expect(rotated.headers.authorization).toBe(`Basic ${Buffer.from('AC123:rotated-token-22').toString('base64')}`);
    expect(await events('instance.sms.configtwilio.token.changed')).toHaveLength(1);
  });

  it('HTTP: replaces Twilio when activated and receives the JSON; with none active a code waits in the outbox and is sent once one is activated again (ZITADEL picks the provider when sending)', async () => {
    const { id } = await admin().addSMSProviderHTTP({ endpoint: `${hooks.url}/sms`, description: 'sms hook' });
    await admin().activateSMSProvider({ id });
    const listed = await admin().listSMSProviders({});
    expect(Number(listed.details?.totalResult)).toBe(2);
    expect(listed.result.filter((p) => p.state === ACTIVE).map((p) => p.id)).toEqual([id]);

    const phone = uniquePhone();
    await enqueue(server, { channel: 'sms', to: phone, data: { code: 'H77PSM' } });
    const hit = await hooks.waitFor((r) => r.path === '/sms' && r.body.includes(phone), 'the HTTP SMS provider call');
    expect(JSON.parse(hit.body)).toMatchObject({
      contextInfo: { recipientPhoneNumber: phone, provider: { id } },
      args: { code: 'H77PSM' },
    });

    await admin().deactivateSMSProvider({ id });
    // The server has no SMS settings: with no active provider the code is queued all the same,
    // and its attempts fail until a provider is active again.
    const waiting = uniquePhone();
    await enqueue(server, { channel: 'sms', to: waiting, data: { code: 'W41TED' } });
    const failed = await eventually(async () => {
      const [row] = await outboxRows(server).then((rows) => rows.filter((r) => r.channel === 'sms').slice(-1));
      return row && row.attempts > 0 && row.state === 'pending' ? row : undefined;
    }, 'a failed attempt of the queued SMS');
    expect(failed.last_error).toContain('PORTCULLIS_SMS_WEBHOOK_URL');
    expect(failed.last_error).not.toContain(waiting);
    expect(hooks.received.some((r) => r.body.includes(waiting))).toBe(false);
    await admin().activateSMSProvider({ id });
    const late = await hooks.waitFor((r) => r.path === '/sms' && r.body.includes(waiting), 'the queued SMS, sent late');
    expect(JSON.parse(late.body)).toMatchObject({ args: { code: 'W41TED' } });
    await admin().deactivateSMSProvider({ id });
    await admin().removeSMSProvider({ id });
    expect(await v1Code(admin().getSMSProvider({ id }))).toBe(Status.NOT_FOUND);
  });
});

const VERIFY_EMAIL_CODE = 2;
const OTP_SMS = 7;

describe('secret generators (ZITADEL: cmd/defaults.yaml SecretGenerators until the instance stores its own)', () => {
  const users = () => client(UserService, 'grpc', server.baseUrl, server.adminPat);
  const emailCode = async (userId: string) =>
    (
      await users().setEmail({
        userId,
        email: uniqueEmail('gen'),
        verification: { case: 'returnCode', value: {} },
      })
    ).verificationCode!;

  it("lists ZITADEL's defaults for every type", async () => {
    const listed = await admin().listSecretGenerators({});
    expect(listed.result.map((g) => g.generatorType)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const email = listed.result.find((g) => g.generatorType === VERIFY_EMAIL_CODE)!;
    expect(email).toMatchObject({
      length: 6,
      includeUpperLetters: true,
      includeDigits: true,
      includeLowerLetters: false,
    });
    expect(email.expiry?.seconds.toString()).toBe('3600');
    const otp = await admin().getSecretGenerator({ generatorType: OTP_SMS });
    expect(otp.secretGenerator).toMatchObject({ length: 8, includeDigits: true, includeUpperLetters: false });
    const only = await admin().listSecretGenerators({ queries: [{ typeQuery: { generatorType: OTP_SMS } }] });
    expect(only.result.map((g) => g.generatorType)).toEqual([OTP_SMS]);
  });

  it('an updated generator changes the next issued code: length, characters and expiry', async () => {
    const { userId } = await users().addHumanUser({
      username: `gen-${Date.now()}`,
      profile: { givenName: 'Gen', familyName: 'Erator' },
      email: { email: uniqueEmail('gen0'), verification: { case: 'returnCode', value: {} } },
    });
    expect(await emailCode(userId)).toMatch(/^[A-Z0-9]{6}$/);

    await admin().updateSecretGenerator({
      generatorType: VERIFY_EMAIL_CODE,
      length: 10,
      expiry: { seconds: 600 as never, nanos: 0 },
      includeLowerLetters: false,
      includeUpperLetters: false,
      includeDigits: true,
      includeSymbols: false,
    });
    const got = await admin().getSecretGenerator({ generatorType: VERIFY_EMAIL_CODE });
    expect(got.secretGenerator).toMatchObject({ length: 10, includeUpperLetters: false, includeDigits: true });
    expect(got.secretGenerator?.details?.sequence).toBeDefined();
    const [event] = await events('instance.secret.generator.added');
    expect(event.payload).toMatchObject({ generatorType: 'verifyEmailCode', length: 10, expiryMs: 600_000 });

    const before = Date.now();
    const code = await emailCode(userId);
    expect(code).toMatch(/^[0-9]{10}$/);
    const [row] = await server.database.dataSource.query(
      `SELECT expires_at FROM user_codes WHERE user_id = $1 AND kind = 'email'`,
      [userId],
    );
    const ttl = new Date(row.expires_at).getTime() - before;
    expect(ttl).toBeGreaterThan(590_000);
    expect(ttl).toBeLessThan(610_000);
    // The code made under the new generator is the one that verifies.
    await users().verifyEmail({ userId, verificationCode: code });
  });

  it('refuses what ZITADEL refuses: no character set, zero length, an unknown type, an unchanged update', async () => {
    const base = {
      generatorType: VERIFY_EMAIL_CODE,
      length: 10,
      expiry: { seconds: 600 as never, nanos: 0 },
      includeLowerLetters: false,
      includeUpperLetters: false,
      includeDigits: true,
      includeSymbols: false,
    };
    expect(await v1Code(admin().updateSecretGenerator({ ...base, includeDigits: false }))).toBe(
      Status.INVALID_ARGUMENT,
    );
    expect(await v1Code(admin().updateSecretGenerator({ ...base, length: 0 }))).toBe(Status.INVALID_ARGUMENT);
    expect(await v1Code(admin().updateSecretGenerator({ ...base, generatorType: 0 }))).toBe(Status.INVALID_ARGUMENT);
    expect(await v1Code(admin().updateSecretGenerator(base))).toBe(Status.FAILED_PRECONDITION);
    // REST: PUT /admin/v1/secretgenerators/{generator_type}, the same refusal naming the field.
    const bad = await rest(server.baseUrl, 'PUT', '/admin/v1/secretgenerators/SECRET_GENERATOR_TYPE_OTP_SMS', {
      token: server.adminPat,
      body: { length: 0, includeDigits: true },
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('length');
  });
});

describe('who may see and change providers', () => {
  it('refuses a caller without instance rights (PERMISSION_DENIED) over gRPC and REST', async () => {
    const orgs = client(OrgV2beta, 'grpc', server.baseUrl, server.adminPat);
    const orgId = (await orgs.createOrganization({ name: `Providers ${Date.now()}` })).id;
    const { pat } = await machineWithRoles(server, orgId, { level: 'org', resourceId: orgId, roles: ['ORG_OWNER'] });
    expect(await v1Code(admin(pat).listEmailProviders({}))).toBe(Status.PERMISSION_DENIED);
    expect(await v1Code(admin(pat).addEmailProviderSMTP(smtpProvider()))).toBe(Status.PERMISSION_DENIED);
    expect(await v1Code(admin(pat).addSMSProviderHTTP({ endpoint: hooks.url, description: '' }))).toBe(
      Status.PERMISSION_DENIED,
    );
    expect(
      await v1Code(admin(pat).updateSecretGenerator({ generatorType: OTP_SMS, length: 4, includeDigits: true })),
    ).toBe(Status.PERMISSION_DENIED);
    const denied = await rest(server.baseUrl, 'POST', '/admin/v1/sms/_search', { token: pat, body: {} });
    expect(denied.status).toBe(403);
  });

  it("another instance sees none of this instance's providers and cannot touch them", async () => {
    const [mine] = (await admin().listEmailProviders({})).result;
    const other = await otherInstance(server, 'localhost');
    const theirs = adminV1(other.baseUrl, other.adminPat);
    expect(Number((await theirs.listEmailProviders({})).details?.totalResult)).toBe(0);
    expect((await theirs.listSMSProviders({})).result).toHaveLength(0);
    expect(await v1Code(theirs.getEmailProviderById({ id: mine.id }))).toBe(Status.NOT_FOUND);
    expect(await v1Code(theirs.activateEmailProvider({ id: mine.id }))).toBe(Status.NOT_FOUND);
    expect(await v1Code(theirs.removeEmailProvider({ id: mine.id }))).toBe(Status.NOT_FOUND);
    expect((await admin().getEmailProviderById({ id: mine.id })).config?.id).toBe(mine.id);
    // This instance's email code generator (length 10) is not theirs.
    expect((await theirs.getSecretGenerator({ generatorType: VERIFY_EMAIL_CODE })).secretGenerator?.length).toBe(6);
    // The outbox rows of this test were all delivered.
    expect((await outboxRows(server)).filter((r) => r.state === 'pending' && r.channel === 'email')).toHaveLength(0);
  });
});
