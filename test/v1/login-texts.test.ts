import { Status } from 'nice-grpc';
import { CATALOGUES } from '../../src/login/login.i18n.js';
import { InstanceResolver } from '../../src/platform/tenancy/instance-resolver.js';
import { HOSTED_LOGIN_TEXTS } from '../../src/settings/hosted-login-texts.js';
import { rest } from '../support/clients.js';
import { factories } from '../support/factories.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { adminV1, managementV1, restV1, v1Code } from '../support/v1-clients.js';

// ZITADEL's v1 custom login texts (admin: the instance's, management: the org's), kept in the
// hosted login's translations so the login pages show them.

let server: TestServer;
const en = HOSTED_LOGIN_TEXTS.en as { loginname: { title: string; submit: string } };

const admin = () => adminV1(server.baseUrl, server.adminPat);
const events = (type: string) =>
  server.database.dataSource.query(
    `SELECT aggregate_type, aggregate_id, payload FROM events WHERE event_type = $1 ORDER BY sequence`,
    [type],
  ) as Promise<{ aggregate_type: string; aggregate_id: string; payload: Record<string, unknown> }[]>;
const loginPage = async (language: string) =>
  (await fetch(`${server.baseUrl}/ui/v2/login/loginname`, { headers: { 'accept-language': language } })).text();

beforeAll(async () => {
  server = await bootTestServer();
});
afterAll(async () => {
  await server?.close();
});

describe('v1 custom login texts', () => {
  it("GetDefaultLoginTexts answers the hosted login's built-in texts of the language (is_default); fields without a Login V2 counterpart are empty", async () => {
    const texts = (await admin().getDefaultLoginTexts({ language: 'en' })).customText!;
    expect(texts.isDefault).toBe(true);
    expect(texts.loginText).toMatchObject({ title: en.loginname.title, nextButtonText: en.loginname.submit });
    expect(texts.initializeUserText?.title ?? '').toBe('');
    expect((await admin().getCustomLoginTexts({ language: 'en' })).customText).toMatchObject({
      isDefault: true,
      loginText: { title: en.loginname.title },
    });
  });

  it('the instance text (admin SetCustomLoginText, instance.customtext.set per field, template Login) shows on the login page; a set without a field removes it (customtext.removed); reset (customtext.template.removed) restores the page, a second reset is NOT_FOUND', async () => {
    const instanceId = (await server.app.get(InstanceResolver).resolve('127.0.0.1')).id;
    const set = await admin().setCustomLoginText({
      language: 'en',
      loginText: { title: 'Acme sign-in', nextButtonText: 'Go' },
      initializeUserText: { title: 'Set up your account' },
    });
    expect(set.details?.resourceOwner).toBe(instanceId);
    const own = (await admin().getCustomLoginTexts({ language: 'en' })).customText!;
    expect(own).toMatchObject({
      isDefault: false,
      loginText: { title: 'Acme sign-in', nextButtonText: 'Go' },
      initializeUserText: { title: 'Set up your account' },
    });
    expect(own.details?.resourceOwner).toBe(instanceId);
    expect(await events('instance.customtext.set')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          aggregate_id: instanceId,
          payload: { template: 'Login', key: 'Login.Title', language: 'en', text: 'Acme sign-in' },
        }),
      ]),
    );
    // The one store: GetHostedLoginTranslation answers it, the page shows it.
    const hosted = (
      await rest(server.baseUrl, 'GET', '/v2/settings/hosted_login_translation?instance=true&locale=en', {
        token: server.adminPat,
      })
    ).body.translations;
    expect(hosted).toMatchObject({ loginname: { title: 'Acme sign-in', submit: 'Go' } });
    expect(await loginPage('en')).toContain('Acme sign-in');
    expect(await loginPage('de')).not.toContain('Acme sign-in');

    await admin().setCustomLoginText({ language: 'en', loginText: { title: 'Acme sign-in' } });
    expect((await events('instance.customtext.removed')).map((e) => e.payload.key).sort()).toEqual([
      'InitializeUser.Title',
      'Login.NextButtonText',
    ]);
    const after = (await admin().getCustomLoginTexts({ language: 'en' })).customText!;
    expect(after.loginText?.nextButtonText ?? '').toBe('');
    expect(after.initializeUserText?.title ?? '').toBe('');

    await admin().resetCustomLoginTextToDefault({ language: 'en' });
    expect(await events('instance.customtext.template.removed')).toEqual([
      expect.objectContaining({ payload: { template: 'Login', language: 'en' } }),
    ]);
    expect((await admin().getCustomLoginTexts({ language: 'en' })).customText?.isDefault).toBe(true);
    const page = await loginPage('en');
    expect(page).not.toContain('Acme sign-in');
    expect(page).toContain(CATALOGUES.en['title.loginname']);
    expect(await v1Code(admin().resetCustomLoginTextToDefault({ language: 'en' }))).toBe(Status.NOT_FOUND);
  });

  it("an org's text (management SetCustomLoginText) overrides the instance's for that org only; management GetDefaultLoginTexts answers the instance's", async () => {
    const f = factories(server);
    const orgId = await f.org();
    const owner = await f.principal(orgId, ['ORG_OWNER']);
    const mgmt = managementV1(server.baseUrl, owner.pat);
    await admin().setCustomLoginText({ language: 'de', loginText: { title: 'Instanz-Anmeldung' } });
    expect((await mgmt.getDefaultLoginTexts({ language: 'de' })).customText?.loginText?.title).toBe(
      'Instanz-Anmeldung',
    );
    expect((await mgmt.getCustomLoginTexts({ language: 'de' })).customText).toMatchObject({
      isDefault: true,
      loginText: { title: 'Instanz-Anmeldung' },
    });
    const set = await mgmt.setCustomLoginText({ language: 'de', passwordText: { title: 'Ihr Geheimnis' } });
    expect(set.details?.resourceOwner).toBe(orgId);
    expect((await mgmt.getCustomLoginTexts({ language: 'de' })).customText).toMatchObject({
      isDefault: false,
      passwordText: { title: 'Ihr Geheimnis' },
    });
    expect((await events('org.customtext.set')).at(-1)).toMatchObject({
      aggregate_id: orgId,
      payload: { key: 'Password.Title', text: 'Ihr Geheimnis' },
    });
    // The instance's page (its default org) keeps the instance's text.
    expect(await loginPage('de')).toContain('Instanz-Anmeldung');
    await mgmt.resetCustomLoginTextToDefault({ language: 'de' });
    await admin().resetCustomLoginTextToDefault({ language: 'de' });
  });

  it("refuses what ZITADEL refuses: a malformed language is INVALID_ARGUMENT naming it (over REST 400); another org's owner gets NOT_FOUND for this org's texts and PERMISSION_DENIED on the instance's; nothing written", async () => {
    const before = (await events('org.customtext.set')).length;
    const beforeInstance = (await events('instance.customtext.set')).length;
    expect(await v1Code(admin().setCustomLoginText({ language: 'not a tag!', loginText: { title: 'x' } }))).toBe(
      Status.INVALID_ARGUMENT,
    );
    const bad = await restV1(server.baseUrl, server.adminPat, 'PUT', '/admin/v1/text/login/not_a_locale!', {
      loginText: { title: 'x' },
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('language');
    const f = factories(server);
    const orgId = await f.org();
    const stranger = await f.principal(await f.org(), ['ORG_OWNER']);
    const elsewhere = managementV1(server.baseUrl, stranger.pat, orgId);
    expect(await v1Code(elsewhere.getCustomLoginTexts({ language: 'en' }))).toBe(Status.NOT_FOUND);
    expect(await v1Code(elsewhere.setCustomLoginText({ language: 'en', loginText: { title: 'x' } }))).toBe(
      Status.NOT_FOUND,
    );
    expect(await v1Code(elsewhere.resetCustomLoginTextToDefault({ language: 'en' }))).toBe(Status.NOT_FOUND);
    const strangerAdmin = adminV1(server.baseUrl, stranger.pat);
    expect(await v1Code(strangerAdmin.setCustomLoginText({ language: 'en', loginText: { title: 'x' } }))).toBe(
      Status.PERMISSION_DENIED,
    );
    expect(await v1Code(strangerAdmin.getCustomLoginTexts({ language: 'en' }))).toBe(Status.PERMISSION_DENIED);
    expect(await events('org.customtext.set')).toHaveLength(before);
    expect(await events('instance.customtext.set')).toHaveLength(beforeInstance);
  });
});
