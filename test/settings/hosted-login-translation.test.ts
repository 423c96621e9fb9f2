// GetHostedLoginTranslation answers the built-in texts under Login V2's keys, with the instance's
// and the org's overrides merged over them, as ZITADEL's login reads them (gRPC, login client).
import { Code } from '@connectrpc/connect';
import { OrganizationService as OrgV2beta } from '@zitadel/proto/zitadel/org/v2beta/org_service_pb.js';
import { SettingsService } from '@zitadel/proto/zitadel/settings/v2/settings_service_pb.js';
import { CATALOGUES } from '../../src/login/login.i18n.js';
import { InstanceResolver } from '../../src/platform/tenancy/instance-resolver.js';
import { HOSTED_LOGIN_TEXTS } from '../../src/settings/hosted-login-texts.js';
import { client, codeOf, rest } from '../support/clients.js';
import { otherInstance, restOnHost } from '../support/instances.js';
import { machineWithRoles } from '../support/principals.js';
import { serverForFile } from '../support/test-server.js';

const server = serverForFile();
const en = HOSTED_LOGIN_TEXTS.en as { loginname: { title: string; submit: string }; register: { agreeTo: string } };
const de = HOSTED_LOGIN_TEXTS.de as { loginname: { title: string; submit: string } };

let loginClient: string;
let orgA: string;
let orgB: string;
let ownerA: string;

beforeAll(async () => {
  const orgs = client(OrgV2beta, 'grpc', server().baseUrl, server().adminPat);
  orgA = (await orgs.createOrganization({ name: 'Texts A' })).id;
  orgB = (await orgs.createOrganization({ name: 'Texts B' })).id;
  const instance = await server().app.get(InstanceResolver).resolve('127.0.0.1');
  loginClient = (
    await machineWithRoles(server(), orgA, { level: 'instance', resourceId: instance.id, roles: ['IAM_LOGIN_CLIENT'] })
  ).pat;
  ownerA = (await machineWithRoles(server(), orgA, { level: 'org', resourceId: orgA, roles: ['ORG_OWNER'] })).pat;
});

const settings = (pat: string) => client(SettingsService, 'grpc', server().baseUrl, pat);
const translation = async (
  pat: string,
  locale: string,
  level: { case: 'system' | 'instance'; value: true } | { case: 'organizationId'; value: string } = {
    case: 'instance',
    value: true,
  },
) => (await settings(pat).getHostedLoginTranslation({ level, locale })).translations as Record<string, any>;

describe('default hosted login texts (ZITADEL answers its defaults, not {})', () => {
  it("English and German texts for the login client, at every level, under Login V2's keys", async () => {
    for (const level of [
      { case: 'system', value: true },
      { case: 'instance', value: true },
      { case: 'organizationId', value: orgB },
    ] as const) {
      const english = await translation(loginClient, 'en', level);
      expect(english.loginname.title).toBe(en.loginname.title);
      expect(english.register.agreeTo).toBe(en.register.agreeTo);
      expect((await translation(loginClient, 'de', level)).loginname.title).toBe(de.loginname.title);
    }
  });

  it("a regional tag gets its language (de-AT: German); a language without texts gets the instance's default, English", async () => {
    expect((await translation(loginClient, 'de-AT')).loginname.title).toBe(de.loginname.title);
    expect((await translation(loginClient, 'fr')).loginname.title).toBe(en.loginname.title);
  });

  it('instance and org overrides are merged over the defaults, leaf by leaf, and only for that org (cross-org)', async () => {
    const admin = settings(server().adminPat);
    await admin.setHostedLoginTranslation({
      level: { case: 'instance', value: true },
      locale: 'en',
      translations: { loginname: { title: 'Welcome to Acme' } },
    });
    await admin.setHostedLoginTranslation({
      level: { case: 'organizationId', value: orgA },
      locale: 'en',
      translations: { loginname: { submit: 'Next' } },
    });
    const a = await translation(loginClient, 'en', { case: 'organizationId', value: orgA });
    expect(a.loginname).toMatchObject({ title: 'Welcome to Acme', submit: 'Next' });
    expect(a.register.agreeTo).toBe(en.register.agreeTo);
    const b = await translation(loginClient, 'en', { case: 'organizationId', value: orgB });
    expect(b.loginname).toMatchObject({ title: 'Welcome to Acme', submit: en.loginname.submit });
    const system = await translation(loginClient, 'en', { case: 'system', value: true });
    expect(system.loginname.title).toBe(en.loginname.title);
  });

  it("the login page shows the instance's custom text in place of its own wording, only for that locale and that instance (cross-instance)", async () => {
    // Set by the previous case: the instance's en loginname.title.
    const page = async (base: string, language: string) =>
      (await fetch(`${base}/ui/v2/login/loginname`, { headers: { 'accept-language': language } })).text();
    expect(await page(server().baseUrl, 'en')).toContain('Welcome to Acme');
    const german = await page(server().baseUrl, 'de');
    expect(german).not.toContain('Welcome to Acme');
    expect(german).toContain(CATALOGUES.de['title.loginname']);
    const other = await page((await otherInstance(server(), 'localhost')).baseUrl, 'en');
    expect(other).not.toContain('Welcome to Acme');
    expect(other).toContain(CATALOGUES.en['title.loginname']);
  });

  it("ignoreInheritance answers only the level's own texts, without the defaults", async () => {
    await settings(server().adminPat).setHostedLoginTranslation({
      level: { case: 'organizationId', value: orgB },
      locale: 'de',
      translations: { common: { back: 'Zrugg' } },
    });
    const own = await settings(loginClient).getHostedLoginTranslation({
      level: { case: 'organizationId', value: orgB },
      locale: 'de',
      ignoreInheritance: true,
    });
    expect(own.translations).toEqual({ common: { back: 'Zrugg' } });
  });

  it("another org's texts need policy.read on it: ORG_OWNER of A is refused for B (cross-org)", async () => {
    expect(
      await codeOf(
        settings(ownerA).getHostedLoginTranslation({ level: { case: 'organizationId', value: orgB }, locale: 'en' }),
      ),
    ).toBe(Code.PermissionDenied);
  });

  it("another instance answers its own defaults, without this instance's overrides (cross-instance)", async () => {
    const other = await otherInstance(server(), 'localhost');
    const res = await restOnHost(
      server(),
      `localhost:${server().port}`,
      'GET',
      '/v2/settings/hosted_login_translation?instance=true&locale=en',
      other.loginClientPat,
    );
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).translations.loginname.title).toBe(en.loginname.title);
    expect(
      (
        await rest(server().baseUrl, 'GET', '/v2/settings/hosted_login_translation?instance=true&locale=en', {
          token: server().adminPat,
        })
      ).body.translations.loginname.title,
    ).toBe('Welcome to Acme');
  });
});
