// External identity providers on the hosted login pages, in Chromium, against a real OpenID
// provider (node oidc-provider) started in the test as the upstream: the buttons, sign-in when
// linked, auto-creation, the prefilled registration, linking an existing account, auto-update,
// and the refusals, each ending (where it signs in) with an OIDC relying party's code and tokens.
import { jest } from '@jest/globals';
import type { Browser as Chromium, BrowserContext, Page } from 'playwright-core';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { DataSource } from 'typeorm';
import type { IdpOptions } from '../../src/idps/idp-config.js';
import { InstanceResolver } from '../../src/platform/tenancy/instance-resolver.js';
import { PASSWORD, addUser, oidc, oidcWorld, rp, type OidcWorld } from '../oidc/support.js';
import { Browser as HttpBrowser, signInUpstream, startUpstream, type Upstream } from '../idps/upstream.js';
import { appCode, withTotp } from '../sessions/support/sessions.js';
import { client } from '../support/clients.js';
import { adminV1, managementV1 } from '../support/v1-clients.js';
import { EXTERNAL_LOGIN_POLICY_V1, insertIdpTemplate } from '../support/idp-templates.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import {
  authorizationUrl,
  changeLoginPolicy,
  describeInBrowser,
  launchChromium,
  rpContext,
  withoutMfaPrompt,
} from './support.js';

let server: TestServer;
let upstream: Upstream;
let chromium: Chromium;
let world: OidcWorld;
let config: oidc.Configuration;
let instanceId: string;
let defaultOrgId: string;
const users = () => client(UserService, 'grpc', server.baseUrl, server.adminPat);

/** Providers on the instance's login policy, one per combination of options under test. */
const idps: Record<'auto' | 'register' | 'linkOnly' | 'closed' | 'autoLink', { id: string; name: string }> =
  {} as never;

let n = 0;
const uniqueLogin = (prefix: string) => `${prefix}${Date.now().toString(36)}${n++}`;

async function provider(name: string, options: Partial<IdpOptions>): Promise<{ id: string; name: string }> {
  const template = await insertIdpTemplate(server, {
    instanceId,
    name,
    config: {
      kind: 'oidc',
      issuer: upstream.issuer,
      clientId: 'login-client',
      scopes: ['openid', 'profile', 'email'],
      isIdTokenMapping: false,
      usePkce: true,
    },
    secrets: { clientSecret: 'login-client-secret' },
    options: {
      isLinkingAllowed: false,
      isCreationAllowed: false,
      isAutoCreation: false,
      isAutoUpdate: false,
      autoLinking: 'none',
      ...options,
    },
  });
  // AddIDPToLoginPolicy on the instance's default login policy, through admin v1.
  await adminV1(server.baseUrl, server.adminPat).addIDPToLoginPolicy({ idpId: template.id });
  return { id: template.id, name };
}

/** A login policy of an org's own (management v1 AddCustomLoginPolicy), external providers allowed. */
const orgLoginPolicy = (forceMfa: boolean) => ({
  ...EXTERNAL_LOGIN_POLICY_V1,
  forceMfa,
  // SecondFactorType OTP (1): TOTP may be set up when MFA is forced.
  secondFactors: forceMfa ? [1] : [],
});

/** An org's own OIDC provider at the upstream, creating users automatically. */
async function orgProvider(orgId: string, name: string) {
  return insertIdpTemplate(server, {
    instanceId,
    orgId,
    name,
    config: {
      kind: 'oidc',
      issuer: upstream.issuer,
      clientId: 'login-client',
      scopes: ['openid', 'profile', 'email'],
      isIdTokenMapping: false,
      usePkce: true,
    },
    secrets: { clientSecret: 'login-client-secret' },
    options: { isCreationAllowed: true, isAutoCreation: true, isLinkingAllowed: false, isAutoUpdate: false },
  });
}

jest.setTimeout(60_000);

describeInBrowser('external identity providers on the hosted login pages (issue #16)', () => {
  beforeAll(async () => {
    upstream = await startUpstream();
    [server, chromium] = await Promise.all([
      bootTestServer({ PORTCULLIS_OUTBOUND_ALLOW_PRIVATE: 'true' }),
      launchChromium(),
    ]);
    upstream.configure([
      {
        client_id: 'login-client',
        client_secret: 'login-client-secret',
        redirect_uris: [`${server.baseUrl}/idps/callback`],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ]);
    await withoutMfaPrompt(server);
    const instance = await server.app.get(InstanceResolver).resolve('127.0.0.1');
    instanceId = instance.id;
    defaultOrgId = instance.defaultOrgId!;
    world = await oidcWorld(server);
    config = await rp(server, world.web.clientId, world.web.clientSecret);
    idps.auto = await provider('Upstream Auto', { isAutoCreation: true, isCreationAllowed: true, isAutoUpdate: true });
    idps.register = await provider('Upstream Register', { isCreationAllowed: true, isLinkingAllowed: true });
    idps.linkOnly = await provider('Upstream Link', { isLinkingAllowed: true });
    idps.closed = await provider('Upstream Closed', {});
    idps.autoLink = await provider('Upstream AutoLink', { autoLinking: 'email' });
  }, 90_000);
  afterAll(async () => {
    await chromium?.close();
    await server?.close();
    await upstream?.close();
  });

  const heading = (page: Page) => page.locator('h1').innerText();

  /** A browser at the login name page of a new authorization request of the world's web app. */
  async function atLogin(): Promise<{
    context: BrowserContext;
    page: Page;
    landed: () => Promise<URL>;
    started: Awaited<ReturnType<typeof authorizationUrl>>;
  }> {
    const { context, page, landed } = await rpContext(chromium);
    // The upstream's development pages import a web font; nothing leaves the machine.
    await context.route('https://fonts.googleapis.com/**', (route) => route.abort());
    const started = await authorizationUrl(config);
    await page.goto(started.url);
    expect(new URL(page.url()).pathname).toBe('/ui/v2/login/loginname');
    return { context, page, landed, started };
  }

  /** Clicks the provider's button and signs in at the upstream's development pages as `login`. */
  async function throughUpstream(page: Page, idpId: string, login: string): Promise<void> {
    await page.click(`button[data-idp="${idpId}"]`);
    await page.waitForURL((u) => u.href.startsWith(upstream.url), { timeout: 15_000 });
    await page.fill('input[name=login]', login);
    await page.fill('input[name=password]', 'anything');
    await page.click('button[type=submit]');
    // Consent at the upstream, then back through /idps/callback to the login's pages.
    await page.waitForSelector('button[autofocus]');
    await page.click('button[autofocus]');
  }

  async function tokensOf(landed: () => Promise<URL>, started: Awaited<ReturnType<typeof authorizationUrl>>) {
    return oidc.authorizationCodeGrant(config, await landed(), {
      pkceCodeVerifier: started.verifier,
      expectedState: started.state,
    });
  }

  async function userByLink(idpId: string, externalUserId: string): Promise<string | undefined> {
    const rows: { user_id: string }[] = await server.app
      .get(DataSource)
      .query('SELECT user_id FROM idp_links WHERE idp_id = $1 AND external_user_id = $2', [idpId, externalUserId]);
    return rows[0]?.user_id;
  }

  it('the login name page shows a button with name and icon per provider of the policy, none when allowExternalIdp is off', async () => {
    const { context, page } = await atLogin();
    for (const idp of Object.values(idps)) {
      const button = page.locator(`button[data-idp="${idp.id}"]`);
      expect(await button.locator('span').innerText()).toBe(`Continue with ${idp.name}`);
      expect(await button.locator('svg.idp-icon').count()).toBe(1);
    }
    const update = (allowExternalIdp: boolean) => changeLoginPolicy(server, { allowExternalIdp });
    await update(false);
    try {
      await page.reload();
      expect(await page.locator('button[data-idp]').count()).toBe(0);
      // A start for a provider the page no longer offers is refused.
      const csrf = await page.locator('input[name=csrf]').first().inputValue();
      const refused = await page.request.post(`${server.baseUrl}/ui/v2/login/idp/start`, {
        form: { csrf, idpId: idps.auto.id },
      });
      expect(refused.status()).toBe(400);
      expect(await refused.text()).toContain('This identity provider is not offered for this sign-in.');
    } finally {
      await update(true);
    }
    await context.close();
  });

  it('auto-creation: the user is created with the upstream profile (email verified as the provider says) and the link, and the app gets its tokens; the second sign-in updates the profile (isAutoUpdate)', async () => {
    const login = uniqueLogin('dora');
    const first = await atLogin();
    await throughUpstream(first.page, idps.auto.id, login);
    const tokens = await tokensOf(first.landed, first.started);
    const userId = await userByLink(idps.auto.id, login);
    expect(userId).toBeDefined();
    expect(tokens.claims()?.sub).toBe(userId);
    const { user } = await users().getUserByID({ userId: userId! });
    expect(user?.type.case).toBe('human');
    if (user?.type.case !== 'human') return;
    expect(user.type.value.profile?.givenName).toBe(login);
    expect(user.type.value.profile?.familyName).toBe('Example');
    expect(user.type.value.email?.email).toBe(`${login}@upstream.example`);
    expect(user.type.value.email?.isVerified).toBe(true);
    expect(user.username).toBe(`${login}-user`);
    await first.context.close();

    // An administrator renames the user; the next sign-in through the provider writes the upstream's name back.
    await users().updateHumanUser({ userId: userId!, profile: { givenName: 'Renamed', familyName: 'Locally' } });
    const second = await atLogin();
    await throughUpstream(second.page, idps.auto.id, login);
    const again = await tokensOf(second.landed, second.started);
    expect(again.claims()?.sub).toBe(userId);
    const { user: updated } = await users().getUserByID({ userId: userId! });
    if (updated?.type.case !== 'human') throw new Error('not human');
    expect(updated.type.value.profile?.givenName).toBe(login);
    expect(updated.type.value.profile?.familyName).toBe('Example');
    await second.context.close();
  });

  it('creation allowed without auto-creation: the registration page is prefilled from the upstream profile and creates the user with the link; the next sign-in goes straight to the app', async () => {
    const login = uniqueLogin('erin');
    const first = await atLogin();
    await throughUpstream(first.page, idps.register.id, login);
    await first.page.waitForURL((u) => u.pathname === '/ui/v2/login/idp/register');
    expect(await heading(first.page)).toBe('Create your account');
    expect(await first.page.inputValue('#givenName')).toBe(login);
    expect(await first.page.inputValue('#familyName')).toBe('Example');
    expect(await first.page.inputValue('#email')).toBe(`${login}@upstream.example`);
    expect(await first.page.inputValue('#username')).toBe(`${login}-user`);
    await first.page.fill('#givenName', 'Erin');
    await first.page.click('button[type=submit].primary');
    const tokens = await tokensOf(first.landed, first.started);
    const userId = await userByLink(idps.register.id, login);
    expect(tokens.claims()?.sub).toBe(userId);
    const { user } = await users().getUserByID({ userId: userId! });
    if (user?.type.case !== 'human') throw new Error('not human');
    expect(user.type.value.profile?.givenName).toBe('Erin');
    expect(user.details?.resourceOwner).toBe(defaultOrgId);
    await first.context.close();

    const second = await atLogin();
    await throughUpstream(second.page, idps.register.id, login);
    expect((await tokensOf(second.landed, second.started)).claims()?.sub).toBe(userId);
    await second.context.close();
  });

  it('linking allowed: the person signs in with the existing account (password), then the link is added and the sign-in continues; the next upstream sign-in is that account', async () => {
    const existing = await addUser(server, world);
    const login = uniqueLogin('finn');
    const first = await atLogin();
    await throughUpstream(first.page, idps.linkOnly.id, login);
    await first.page.waitForURL((u) => u.pathname === '/ui/v2/login/idp/link');
    expect(await heading(first.page)).toBe('Link your account');
    // Creation is not allowed: no way to a new account is offered.
    expect(await first.page.locator('#idp-register').count()).toBe(0);
    await first.page.fill('#loginName', existing.username);
    await first.page.click('button[type=submit]');
    await first.page.waitForSelector('#password');
    // Nothing is linked before the account proves itself.
    expect(await userByLink(idps.linkOnly.id, login)).toBeUndefined();
    await first.page.fill('#password', PASSWORD);
    await first.page.click('button[type=submit]');
    expect((await tokensOf(first.landed, first.started)).claims()?.sub).toBe(existing.id);
    expect(await userByLink(idps.linkOnly.id, login)).toBe(existing.id);
    await first.context.close();

    const second = await atLogin();
    await throughUpstream(second.page, idps.linkOnly.id, login);
    expect((await tokensOf(second.landed, second.started)).claims()?.sub).toBe(existing.id);
    await second.context.close();
  });

  it('auto-linking by email finds the org’s account and fills in its login name, but links only after that account signs in (stricter than ZITADEL’s login v2, which links at once: an upstream’s email is no proof of the account)', async () => {
    const login = uniqueLogin('gwen');
    // An account whose email is the one the upstream will give.
    const { userId } = await users().addHumanUser({
      username: `${login}-local`,
      organization: { org: { case: 'orgId', value: defaultOrgId } },
      profile: { givenName: 'Gwen', familyName: 'Local' },
      email: { email: `${login}@upstream.example`, verification: { case: 'isVerified', value: true } },
      passwordType: { case: 'password', value: { password: PASSWORD, changeRequired: false } },
    });
    const { context, page, landed, started } = await atLogin();
    await throughUpstream(page, idps.autoLink.id, login);
    await page.waitForURL((u) => u.pathname === '/ui/v2/login/idp/link');
    // The account of the org with the upstream's email, by the login name it signs in with.
    const { user } = await users().getUserByID({ userId });
    expect(await page.inputValue('#loginName')).toBe(user?.preferredLoginName);
    expect(await userByLink(idps.autoLink.id, login)).toBeUndefined();
    await page.click('button[type=submit]');
    await page.waitForSelector('#password', { timeout: 10_000 }).catch(async (err) => {
      throw new Error(`${err}: ${await page.locator('body').innerText()}`);
    });
    await page.fill('#password', PASSWORD);
    await page.click('button[type=submit]');
    expect((await tokensOf(landed, started)).claims()?.sub).toBe(userId);
    expect(await userByLink(idps.autoLink.id, login)).toBe(userId);
    await context.close();
  });

  it('neither creation nor linking allowed: a clear error page, nothing created or linked; an upstream refusal is shown on the page too', async () => {
    const login = uniqueLogin('hal');
    const { context, page } = await atLogin();
    await throughUpstream(page, idps.closed.id, login);
    await page.waitForURL((u) => u.pathname === '/ui/v2/login/idp/success');
    expect(await heading(page)).toBe('Something went wrong');
    expect(await page.locator('body').innerText()).toContain(
      'No account is linked to this sign-in, and this organization does not let you create or link one.',
    );
    expect(await userByLink(idps.closed.id, login)).toBeUndefined();

    await context.close();

    // The person cancels at the upstream (a new browser, without the upstream's session):
    // access_denied comes back through the failure URL.
    const fresh = await atLogin();
    const page2 = fresh.page;
    await page2.click(`button[data-idp="${idps.closed.id}"]`);
    await page2.waitForURL((u) => u.href.startsWith(upstream.url));
    const action = await page2.locator('form').first().getAttribute('action');
    await page2.goto(new URL(`${action!.replace(/\/$/, '')}/abort`, page2.url()).href);
    await page2.waitForURL((u) => u.pathname === '/ui/v2/login/idp/failure');
    expect(await page2.locator('body').innerText()).toContain(
      'Signing in through Upstream Closed did not work: access_denied',
    );
    await fresh.context.close();
  });

  it('a linked user with TOTP: after the upstream sign-in the login rules still ask for the second factor, then the app gets its tokens', async () => {
    const login = uniqueLogin('ivy');
    const { userId } = await users().addHumanUser({
      username: `${login}-local`,
      organization: { org: { case: 'orgId', value: defaultOrgId } },
      profile: { givenName: 'Ivy', familyName: 'Local' },
      email: { email: `${login}@local.example`, verification: { case: 'isVerified', value: true } },
      idpLinks: [{ idpId: idps.linkOnly.id, userId: login, userName: login }],
    });
    const seed = await withTotp(server, userId);
    const { context, page, landed, started } = await atLogin();
    await throughUpstream(page, idps.linkOnly.id, login);
    await page.waitForSelector('#code');
    expect(new URL(page.url()).pathname).toBe('/ui/v2/login/otp/totp');
    const arrival = tokensOf(landed, started);
    await page.fill('#code', appCode(seed));
    await page.click('button[type=submit]');
    const tokens = await arrival;
    expect(tokens.claims()?.sub).toBe(userId);
    expect(tokens.claims()?.amr).toEqual(expect.arrayContaining(['otp', 'mfa']));
    await context.close();
  });

  it('the success URL of an intent another browser started is refused (no login CSRF into someone else’s account)', async () => {
    const login = uniqueLogin('jack');
    // The attacker signs in upstream with its own identity, linked to its own account.
    const { userId } = await users().addHumanUser({
      username: `${login}-local`,
      organization: { org: { case: 'orgId', value: defaultOrgId } },
      profile: { givenName: 'Jack', familyName: 'Attacker' },
      email: { email: `${login}@local.example`, verification: { case: 'isVerified', value: true } },
      idpLinks: [{ idpId: idps.linkOnly.id, userId: login, userName: login }],
    });
    // Anyone may start an intent with the login's success page (StartIdentityProviderIntent) and
    // finish it at the upstream with a plain HTTP client: the link it gets names the attacker's account.
    const started = await users().startIdentityProviderIntent({
      idpId: idps.linkOnly.id,
      content: {
        case: 'urls',
        value: {
          successUrl: `${server.baseUrl}/ui/v2/login/idp/success?idpId=${idps.linkOnly.id}`,
          failureUrl: `${server.baseUrl}/ui/v2/login/idp/failure?idpId=${idps.linkOnly.id}`,
        },
      },
    });
    if (started.nextStep.case !== 'authUrl') throw new Error('expected an authUrl');
    const http = new HttpBrowser();
    const arrival = await signInUpstream(http, started.nextStep.value, `${server.baseUrl}/idps/callback`, { login });
    const back = await http.fetch(arrival.url);
    const successUrl = new URL(back.headers.get('location')!, server.baseUrl).href;
    expect(new URL(successUrl).pathname).toBe('/ui/v2/login/idp/success');
    expect(new URL(successUrl).searchParams.get('user')).toBe(userId);

    // The victim's browser opens the link: refused, no session made with the intent.
    const victim = await rpContext(chromium);
    await victim.page.goto(successUrl);
    expect(await victim.page.locator('body').innerText()).toContain(
      'The sign-in through the identity provider has expired. Start again.',
    );
    const intentId = new URL(successUrl).searchParams.get('id')!;
    const [row] = await server.app.get(DataSource).query('SELECT state FROM idp_intents WHERE id = $1', [intentId]);
    expect(row.state).toBe('succeeded');
    await victim.context.close();
  });

  it('an auth request naming an org with its own login policy offers that policy’s providers (the org’s own included), and auto-creation puts the user in that org', async () => {
    const mgmt = managementV1(server.baseUrl, server.adminPat, world.orgId);
    await mgmt.addCustomLoginPolicy(orgLoginPolicy(false));
    const own = await orgProvider(world.orgId, 'World Upstream');
    // ZITADEL's IDPOwnerType ORG (2): the org's own provider on its own policy.
    await mgmt.addIDPToLoginPolicy({ idpId: own.id, ownerType: 2 });

    const { context, page, landed } = await rpContext(chromium);
    await context.route('https://fonts.googleapis.com/**', (route) => route.abort());
    const started = await authorizationUrl(config, {}, `openid urn:zitadel:iam:org:id:${world.orgId}`);
    await page.goto(started.url);
    const offered = await page
      .locator('button[data-idp]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-idp')));
    expect(offered).toEqual([own.id]);
    const login = uniqueLogin('kim');
    await throughUpstream(page, own.id, login);
    const tokens = await tokensOf(landed, started);
    const userId = await userByLink(own.id, login);
    expect(tokens.claims()?.sub).toBe(userId);
    const { user } = await users().getUserByID({ userId: userId! });
    expect(user?.details?.resourceOwner).toBe(world.orgId);
    await context.close();
  });

  it('an org forcing MFA: after an upstream sign-in without a second factor the set-up follows, and the IdP sign-in counts as the fresh first factor its pages need', async () => {
    const strict = await oidcWorld(server);
    const mgmt = managementV1(server.baseUrl, server.adminPat, strict.orgId);
    await mgmt.addCustomLoginPolicy(orgLoginPolicy(true));
    const own = await orgProvider(strict.orgId, 'Strict Upstream');
    await mgmt.addIDPToLoginPolicy({ idpId: own.id, ownerType: 2 });
    const strictConfig = await rp(server, strict.web.clientId, strict.web.clientSecret);

    const { context, page } = await rpContext(chromium);
    await context.route('https://fonts.googleapis.com/**', (route) => route.abort());
    const started = await authorizationUrl(strictConfig, {}, `openid urn:zitadel:iam:org:id:${strict.orgId}`);
    await page.goto(started.url);
    await throughUpstream(page, own.id, uniqueLogin('lea'));
    await page.waitForURL((u) => u.pathname === '/ui/v2/login/mfa/setup');
    await page.goto(page.url().replace('/mfa/setup?', '/mfa/setup/totp?'));
    expect(new URL(page.url()).pathname).toBe('/ui/v2/login/mfa/setup/totp');
    // The set-up page answers for the IdP-only session: a new TOTP key is shown (not the expired-sign-in page).
    expect((await page.locator('#totp-secret').innerText()).replace(/\s/g, '')).toMatch(/^[A-Z2-7]{16,}$/);
    await context.close();
  });
});
