import { Status } from 'nice-grpc';
import { InstanceResolver } from '../../src/platform/tenancy/instance-resolver.js';
import { MESSAGE_TEXT_TYPES, RPC_NAMES } from '../../src/settings/message-texts.js';
import { factories } from '../support/factories.js';
import { deliveryEnv, enqueue, MailCatcher, uniqueEmail } from '../support/receivers.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { adminV1, managementV1, restV1, v1Code } from '../support/v1-clients.js';

// ZITADEL's custom message texts through the v1 APIs, as the Terraform provider's
// zitadel_default_*_message_text (admin) and zitadel_*_message_text (management) resources use them.

let smtp: MailCatcher;
let server: TestServer;

const admin = () => adminV1(server.baseUrl, server.adminPat);
const events = (type: string) =>
  server.database.dataSource.query(
    `SELECT aggregate_type, aggregate_id, payload FROM events WHERE event_type = $1 ORDER BY sequence`,
    [type],
  ) as Promise<{ aggregate_type: string; aggregate_id: string; payload: Record<string, unknown> }[]>;

type TextCall = (req: { language: string }) => Promise<{ customText?: { subject: string; isDefault: boolean } }>;
const byName = (client: object, name: string) => (client as Record<string, TextCall>)[name].bind(client);

beforeAll(async () => {
  smtp = await new MailCatcher().start();
  server = await bootTestServer(deliveryEnv(smtp));
});
afterAll(async () => {
  await server?.close();
  await smtp?.stop();
});

describe('v1 message texts', () => {
  it('every message type answers its built-in wording in admin GetDefault and management GetDefault/GetCustom (inherited: is_default)', async () => {
    const mgmt = managementV1(server.baseUrl, server.adminPat);
    for (const type of MESSAGE_TEXT_TYPES) {
      const name = RPC_NAMES[type];
      const builtIn = (await byName(admin(), `getDefault${name}MessageText`)({ language: 'en' })).customText!;
      expect(builtIn.subject).not.toBe('');
      expect(builtIn.isDefault).toBe(true);
      const inherited = (await byName(mgmt, `getCustom${name}MessageText`)({ language: 'en' })).customText!;
      expect(inherited).toMatchObject({ subject: builtIn.subject, isDefault: true });
    }
  });

  it('the instance text (admin SetDefault…) overrides the built-in one field by field for its language, and reset (instance.customtext.template.removed) restores it; a second reset is NOT_FOUND', async () => {
    const instanceId = (await server.app.get(InstanceResolver).resolve('127.0.0.1')).id;
    const set = await admin().setDefaultPasswordResetMessageText({
      language: 'de',
      subject: 'Passwort zurücksetzen',
      text: 'Ihr Code: {{.Code}}',
    });
    expect(set.details?.resourceOwner).toBe(instanceId);

    const own = (await admin().getCustomPasswordResetMessageText({ language: 'de' })).customText!;
    expect(own).toMatchObject({
      subject: 'Passwort zurücksetzen',
      text: 'Ihr Code: {{.Code}}',
      greeting: '',
      isDefault: false,
    });
    expect(own.details?.resourceOwner).toBe(instanceId);
    // Other languages keep the built-in text.
    expect((await admin().getCustomPasswordResetMessageText({ language: 'en' })).customText?.isDefault).toBe(true);
    // What orgs inherit: the instance's fields over the built-in ones.
    const inherited = (
      await managementV1(server.baseUrl, server.adminPat).getDefaultPasswordResetMessageText({ language: 'de' })
    ).customText!;
    expect(inherited).toMatchObject({
      subject: 'Passwort zurücksetzen',
      greeting: 'Hello {{.DisplayName}},',
      isDefault: true,
    });
    expect(await events('instance.customtext.set')).toEqual([
      expect.objectContaining({
        aggregate_type: 'instance',
        aggregate_id: instanceId,
        payload: expect.objectContaining({
          template: 'PasswordReset',
          language: 'de',
          subject: 'Passwort zurücksetzen',
        }),
      }),
    ]);

    await admin().resetCustomPasswordResetMessageTextToDefault({ language: 'de' });
    expect((await admin().getCustomPasswordResetMessageText({ language: 'de' })).customText?.isDefault).toBe(true);
    expect(await events('instance.customtext.template.removed')).toHaveLength(1);
    expect(await v1Code(admin().resetCustomPasswordResetMessageTextToDefault({ language: 'de' }))).toBe(
      Status.NOT_FOUND,
    );
  });

  it('refuses what ZITADEL refuses: no or a malformed language is INVALID_ARGUMENT naming it (over REST 400), nothing written', async () => {
    expect(await v1Code(admin().setDefaultInitMessageText({ language: '', subject: 'x' }))).toBe(
      Status.INVALID_ARGUMENT,
    );
    const bad = await restV1(server.baseUrl, server.adminPat, 'PUT', '/admin/v1/text/message/init/not_a_locale!', {
      subject: 'x',
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('language');
    expect(await events('instance.customtext.set')).toHaveLength(1);
  });

  it("an org's text (management SetCustom…) changes the VerifyEmail mail sent to its users over the instance's, in the user's language, else its base language, else the instance's default; its reset falls back to the instance's text", async () => {
    const f = factories(server);
    const orgId = await f.org();
    const owner = await f.principal(orgId, ['ORG_OWNER']);
    const mgmt = managementV1(server.baseUrl, owner.pat);
    await admin().setDefaultVerifyEmailMessageText({
      language: 'en',
      subject: 'Instance: verify',
      footerText: 'Sent by the instance',
    });
    expect((await mgmt.getCustomVerifyEmailMessageText({ language: 'en' })).customText).toMatchObject({
      subject: 'Instance: verify',
      isDefault: true,
    });

    const set = await mgmt.setCustomVerifyEmailMessageText({
      language: 'en',
      subject: 'Welcome, {{.DisplayName}}',
      text: 'Your code is {{.Code}}.',
      buttonText: 'Confirm',
    });
    expect(set.details?.resourceOwner).toBe(orgId);
    expect((await mgmt.getCustomVerifyEmailMessageText({ language: 'en' })).customText).toMatchObject({
      subject: 'Welcome, {{.DisplayName}}',
      isDefault: false,
    });
    expect((await events('org.customtext.set')).at(-1)).toMatchObject({ aggregate_type: 'org', aggregate_id: orgId });

    const to = uniqueEmail('custom');
    await enqueue(server, { channel: 'email', to, orgId, data: { code: 'K0D3X1', displayName: 'Ada' } });
    const [mail] = await smtp.waitFor(to);
    expect(mail.subject).toBe('Welcome, Ada');
    expect(mail.text).toContain('Your code is K0D3X1.');
    expect(mail.text).toContain('Sent by the instance');
    expect(mail.html).toContain('Your code is K0D3X1.');

    // The user's language, then its base language, then the instance's default language (en).
    await mgmt.setCustomVerifyEmailMessageText({ language: 'de', subject: 'Willkommen' });
    const swiss = uniqueEmail('swiss');
    await enqueue(server, { channel: 'email', to: swiss, orgId, data: { code: 'K0D3X3', preferredLanguage: 'de-CH' } });
    expect((await smtp.waitFor(swiss))[0].subject).toBe('Willkommen');
    const french = uniqueEmail('french');
    await enqueue(server, {
      channel: 'email',
      to: french,
      orgId,
      data: { code: 'K0D3X4', preferredLanguage: 'fr', displayName: 'Luc' },
    });
    expect((await smtp.waitFor(french))[0].subject).toBe('Welcome, Luc');

    await mgmt.resetCustomVerifyEmailMessageTextToDefault({ language: 'en' });
    expect((await events('org.customtext.template.removed')).at(-1)).toMatchObject({ aggregate_id: orgId });
    const after = uniqueEmail('after-reset');
    await enqueue(server, { channel: 'email', to: after, orgId, data: { code: 'K0D3X2' } });
    const [fallback] = await smtp.waitFor(after);
    expect(fallback.subject).toBe('Instance: verify');
    expect(fallback.text).toContain('K0D3X2');
    await admin().resetCustomVerifyEmailMessageTextToDefault({ language: 'en' });
  });

  it("another org's owner gets NOT_FOUND for this org's texts (read, set, reset) and PERMISSION_DENIED on the instance's", async () => {
    const f = factories(server);
    const orgId = await f.org();
    const stranger = await f.principal(await f.org(), ['ORG_OWNER']);
    const elsewhere = managementV1(server.baseUrl, stranger.pat, orgId);
    expect(await v1Code(elsewhere.getCustomInitMessageText({ language: 'en' }))).toBe(Status.NOT_FOUND);
    expect(await v1Code(elsewhere.setCustomInitMessageText({ language: 'en', subject: 'x' }))).toBe(Status.NOT_FOUND);
    expect(await v1Code(elsewhere.resetCustomInitMessageTextToDefault({ language: 'en' }))).toBe(Status.NOT_FOUND);
    const strangerAdmin = adminV1(server.baseUrl, stranger.pat);
    expect(await v1Code(strangerAdmin.setDefaultInitMessageText({ language: 'en', subject: 'x' }))).toBe(
      Status.PERMISSION_DENIED,
    );
    expect(await v1Code(strangerAdmin.getCustomInitMessageText({ language: 'en' }))).toBe(Status.PERMISSION_DENIED);
    expect(await events('org.customtext.set')).toHaveLength(2);
  });
});
