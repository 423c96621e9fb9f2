import type { Browser as Chromium, Page } from 'playwright-core';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { client } from '../support/clients.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { PASSWORD, addUser, oidc, oidcWorld, rp, type OidcWorld } from '../oidc/support.js';
import { appCode, withTotp } from '../sessions/support/sessions.js';
import { authorizationUrl, describeInBrowser, launchChromium, rpContext, snap, withoutMfaPrompt } from './support.js';

let server: TestServer;
let world: OidcWorld;
let chromium: Chromium;
let config: oidc.Configuration;
/** The world user's TOTP seed, registered by the first test. */
let seed: string;

describeInBrowser('the hosted login pages in a browser (issue #8)', () => {
  beforeAll(async () => {
    [server, chromium] = await Promise.all([bootTestServer(), launchChromium()]);
    await withoutMfaPrompt(server);
    world = await oidcWorld(server);
    config = await rp(server, world.web.clientId, world.web.clientSecret);
  }, 60_000);
  afterAll(async () => {
    await chromium?.close();
    await server?.close();
  });

  const heading = (page: Page) => page.locator('h1').innerText();

  async function signInWithPassword(page: Page, username: string, password = PASSWORD) {
    await page.fill('#loginName', username);
    await page.click('button[type=submit]');
    await page.waitForSelector('#password');
    await page.fill('#password', password);
    await page.click('button[type=submit]');
  }

  it('authorization code + PKCE: login name, password and TOTP; the RP receives tokens', async () => {
    seed = await withTotp(server, world.user.id);
    const { context, page, landed } = await rpContext(chromium);
    const started = await authorizationUrl(config, { login_hint: world.user.username });
    await page.goto(started.url);
    expect(new URL(page.url()).pathname).toBe('/ui/v2/login/loginname');
    expect(await page.inputValue('#loginName')).toBe(world.user.username);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await snap(page, 'loginname');

    await page.click('button[type=submit]');
    await page.waitForSelector('#password');
    expect(await heading(page)).toBe('Enter your password');
    await page.fill('#password', 'not-the-password');
    await page.click('button[type=submit]');
    expect(await page.locator('[role=alert]').innerText()).toContain('The password is wrong.');
    await snap(page, 'password-error');
    await page.fill('#password', PASSWORD);
    await page.click('button[type=submit]');

    await page.waitForSelector('#code');
    expect(await heading(page)).toBe('Verify with your authenticator app');
    await snap(page, 'totp');
    const arrival = landed();
    await page.fill('#code', appCode(seed));
    await page.click('button[type=submit]');
    const tokens = await oidc.authorizationCodeGrant(config, await arrival, {
      pkceCodeVerifier: started.verifier,
      expectedState: started.state,
    });
    expect(tokens.access_token).toBeTruthy();
    expect(tokens.claims()?.sub).toBe(world.user.id);
    expect(tokens.claims()?.amr).toEqual(expect.arrayContaining(['pwd', 'otp', 'mfa']));
    await context.close();
  });

  it('shows the accounts of the browser (select_account, or several sessions), signs in with the chosen one, then signs out', async () => {
    const [first, second] = [await addUser(server, world), await addUser(server, world)];
    const { context, page, landed } = await rpContext(chromium);
    // Two accounts signed in at the login itself (no app yet: the provider has no session to reuse).
    for (const user of [first, second]) {
      await page.goto(`${server.baseUrl}/ui/v2/login/loginname`);
      await signInWithPassword(page, user.username);
      expect(await heading(page)).toBe('You are signed in');
    }
    await snap(page, 'signed-in');
    const started = await authorizationUrl(config);
    await page.goto(started.url);
    expect(new URL(page.url()).pathname).toBe('/ui/v2/login/accounts');
    const accounts = page.locator('ul.accounts button');
    expect(await accounts.count()).toBe(2);
    await snap(page, 'accounts');
    const arrival = landed();
    await accounts.filter({ hasText: first.username }).click();
    const tokens = await oidc.authorizationCodeGrant(config, await arrival, {
      pkceCodeVerifier: started.verifier,
      expectedState: started.state,
    });
    expect(tokens.claims()?.sub).toBe(first.id);

    // prompt=select_account with the provider signed in as the first: choosing the second switches.
    const again = await authorizationUrl(config, { prompt: 'select_account' });
    await page.goto(again.url);
    expect(new URL(page.url()).pathname).toBe('/ui/v2/login/accounts');
    const switched = landed();
    await page.locator('ul.accounts button').filter({ hasText: second.username }).click();
    const secondTokens = await oidc.authorizationCodeGrant(config, await switched, {
      pkceCodeVerifier: again.verifier,
      expectedState: again.state,
    });
    expect(secondTokens.claims()?.sub).toBe(second.id);

    await page.goto(`${server.baseUrl}/ui/v2/login/logout`);
    await snap(page, 'logout');
    await page.click('button[type=submit]');
    expect(await heading(page)).toBe('You are signed out');
    const [{ n }] = await server.database.dataSource.query(
      'SELECT count(*)::int AS n FROM sessions WHERE user_id = ANY($1)',
      [[first.id, second.id]],
    );
    expect(n).toBe(0);
    await context.close();
  });

  it('device authorization through the device page: code, app and scopes, sign in, allow', async () => {
    const started = await oidc.initiateDeviceAuthorization(config, { scope: 'openid profile' });
    const { context, page } = await rpContext(chromium);
    await page.goto(started.verification_uri_complete!);
    expect(new URL(page.url()).pathname).toBe('/ui/v2/login/device');
    expect((await page.inputValue('#userCode')).replace(/\W/g, '')).toBe(started.user_code.replace(/\W/g, ''));
    await snap(page, 'device');
    await page.click('button[type=submit]');
    expect(await page.locator('main').innerText()).toMatch(/Web .*\(Portal .*\)/);
    expect(await page.locator('ul.scopes').innerText()).toContain('profile');
    await page.click('a.primary');
    await signInWithPassword(page, world.user.username);
    await page.waitForSelector('#code');
    // The world's user has TOTP since the first test.
    await page.fill('#code', appCode(seed));
    await page.click('button[type=submit]');
    await page.waitForSelector('button[value=allow]');
    await snap(page, 'device-consent');
    const polling = oidc.pollDeviceAuthorizationGrant(config, started);
    await page.click('button[value=allow]');
    expect(await heading(page)).toBe('Device connected');
    const tokens = await polling;
    expect(tokens.claims()?.sub).toBe(world.user.id);
    await context.close();
  }, 30_000);

  it('speaks German with ui_locales=de, and tells unknown login names apart as the settings say', async () => {
    const { context, page } = await rpContext(chromium);
    const started = await authorizationUrl(config, { ui_locales: 'de' });
    await page.goto(started.url);
    expect(await page.getAttribute('html', 'lang')).toBe('de');
    expect(await heading(page)).toBe('Anmelden');
    await snap(page, 'loginname-de');
    await page.fill('#loginName', 'nobody-here');
    await page.click('button[type=submit]');
    expect(await page.locator('[role=alert]').innerText()).toContain('Wir konnten keinen Benutzer');
    await context.close();
  });

  it('asks for a new password when the user must change it, showing the complexity rules', async () => {
    const user = await addUser(server, world);
    await client(UserService, 'grpc', server.baseUrl, server.adminPat).setPassword({
      userId: user.id,
      newPassword: { password: PASSWORD, changeRequired: true },
    });
    const { context, page, landed } = await rpContext(chromium);
    const started = await authorizationUrl(config);
    await page.goto(started.url);
    await signInWithPassword(page, user.username);
    await page.waitForSelector('#newPassword');
    expect(await page.locator('#complexity').innerText()).toContain('at least 8 characters');
    await snap(page, 'password-change');
    await page.fill('#currentPassword', PASSWORD);
    await page.fill('#newPassword', 'An0ther-Passw0rd!');
    await page.fill('#confirmPassword', 'An0ther-Passw0rd!');
    const arrival = landed();
    await page.click('button[type=submit]');
    const tokens = await oidc.authorizationCodeGrant(config, await arrival, {
      pkceCodeVerifier: started.verifier,
      expectedState: started.state,
    });
    expect(tokens.claims()?.sub).toBe(user.id);
    await context.close();
  });

  it('refuses a POST without the CSRF token (403) and sends a strict CSP', async () => {
    const res = await fetch(`${server.baseUrl}/ui/v2/login/loginname`);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    const cookie = res.headers.getSetCookie()[0];
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    const html = await res.text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(html)![1];
    const jar = cookie.split(';')[0];
    const post = (body: string, cookieHeader?: string) =>
      fetch(`${server.baseUrl}/ui/v2/login/loginname`, {
        method: 'POST',
        redirect: 'manual',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          ...(cookieHeader ? { cookie: cookieHeader } : {}),
        },
        body,
      });
    expect((await post(`loginName=${world.user.username}`, jar)).status).toBe(403);
    expect((await post(`loginName=${world.user.username}&csrf=${encodeURIComponent(csrf)}`)).status).toBe(403);
    expect((await post(`loginName=${world.user.username}&csrf=forged`, jar)).status).toBe(403);
    const ok = await post(`loginName=${world.user.username}&csrf=${encodeURIComponent(csrf)}`, jar);
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toMatch(/^\/ui\/v2\/login\/password\?session=/);

    const unknown = await fetch(`${server.baseUrl}/ui/v2/login/login?authRequest=V2_nope`);
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain('This sign-in request has expired or was already used.');
  });
});
