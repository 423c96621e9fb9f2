import { deflateRawSync, inflateRawSync } from 'node:zlib';
import * as samlify from 'samlify';
import type { Browser as Chromium, Page } from 'playwright-core';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { createClient, type Interceptor } from '@connectrpc/connect';
import { ManagementService, type AddCustomLoginPolicyRequestSchema } from '@zitadel/proto/zitadel/management_pb.js';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { createServerTransport } from '@zitadel/client/node';
import { client } from '../support/clients.js';
import { MailCatcher } from '../support/receivers.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { PASSWORD, addUser, oidc, oidcWorld, rp, type OidcWorld } from '../oidc/support.js';
import { appCode } from '../sessions/support/sessions.js';
import { PASSWORD as SAML_PASSWORD, samlApp, samlWorld, uniqueEntity } from '../saml/support.js';
import { authorizationUrl, describeInBrowser, launchChromium, rpContext, snap, withoutMfaPrompt } from './support.js';

const POST = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST';
const NEW_PASSWORD = 'N3w-Passw0rd!';

type LoginPolicy = MessageInitShape<typeof AddCustomLoginPolicyRequestSchema>;
/** Passwords; TOTP and U2F as second factors; passkeys allowed. MFA not forced and, as unset lifetimes are 0, no optional prompt. */
const FACTORS_POLICY: LoginPolicy = {
  allowUsernamePassword: true,
  passwordlessType: 1,
  secondFactors: [1, 2],
  multiFactors: [1],
  passwordCheckLifetime: { seconds: 864000n },
};

let server: TestServer;
let smtp: MailCatcher;
let world: OidcWorld;
let chromium: Chromium;
let config: oidc.Configuration;

/** The code in the last message to `to` (the templates put it on its own line after a colon). */
async function mailedCode(to: string, count = 1): Promise<string> {
  const mails = await smtp.waitFor(to, count);
  const code = /:\n\n\s+(\S+)/.exec(mails[count - 1].text ?? '')?.[1];
  if (!code) throw new Error(`no code in the mail to ${to}: ${mails[count - 1].text}`);
  return code;
}

/** The same unsigned HTTP-Redirect AuthnRequest with ForceAuthn="true" (SAML core §3.4.1). */
function withForceAuthn(redirectUrl: string): string {
  const url = new URL(redirectUrl);
  const xml = inflateRawSync(Buffer.from(url.searchParams.get('SAMLRequest')!, 'base64')).toString();
  url.searchParams.set(
    'SAMLRequest',
    deflateRawSync(xml.replace('<samlp:AuthnRequest ', '<samlp:AuthnRequest ForceAuthn="true" ')).toString('base64'),
  );
  return url.toString();
}

/** Enters the current code of a TOTP being set up; the app's tokens once the browser lands there. */
async function finishTotpSetup(
  page: Page,
  landed: () => Promise<URL>,
  config: oidc.Configuration,
  started: { verifier: string; state: string },
  secret: string,
): Promise<oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers> {
  const arrival = landed();
  await page.fill('#code', appCode(secret));
  await page.click('form[action$="/mfa/setup/totp"] button.primary');
  return oidc.authorizationCodeGrant(config, await arrival, {
    pkceCodeVerifier: started.verifier,
    expectedState: started.state,
  });
}

describeInBrowser('the hosted login pages: SAML, password reset, registration, passkeys (issue #8)', () => {
  beforeAll(async () => {
    smtp = await new MailCatcher().start();
    [server, chromium] = await Promise.all([
      bootTestServer({
        PORTCULLIS_SMTP_HOST: '127.0.0.1',
        PORTCULLIS_SMTP_PORT: String(smtp.port),
        PORTCULLIS_SMTP_TLS: 'none',
      }),
      launchChromium(),
    ]);
    // The optional MFA prompt is tested on worlds with their own login policy below.
    await withoutMfaPrompt(server);
    world = await oidcWorld(server);
    config = await rp(server, world.web.clientId, world.web.clientSecret);
  }, 60_000);
  afterAll(async () => {
    await chromium?.close();
    await server?.close();
    await smtp?.stop();
  });

  const heading = (page: Page) => page.locator('h1').innerText();

  /** A new org (its apps and user) with its own login policy. */
  async function worldWithLoginPolicy(policy: LoginPolicy): Promise<OidcWorld> {
    const made = await oidcWorld(server);
    const orgHeader: Interceptor = (next) => (req) => {
      req.header.set('x-zitadel-orgid', made.orgId);
      return next(req);
    };
    const mgmt = createClient(
      ManagementService,
      createServerTransport(server.adminPat, { baseUrl: server.baseUrl, interceptors: [orgHeader] }),
    );
    await mgmt.addCustomLoginPolicy(policy);
    return made;
  }

  /** An org whose login settings force MFA (TOTP, U2F; passkeys allowed). */
  let mfa: Promise<OidcWorld> | undefined;
  const forcedMfaWorld = () => (mfa ??= worldWithLoginPolicy({ ...FACTORS_POLICY, forceMfa: true }));

  /** An org whose login settings offer the MFA set-up with Skip, again an hour after a skip. */
  let prompting: Promise<OidcWorld> | undefined;
  const mfaPromptWorld = () =>
    (prompting ??= worldWithLoginPolicy({ ...FACTORS_POLICY, mfaInitSkipLifetime: { seconds: 3600n } }));

  /** Login name and password on the page the RP sent the browser to. */
  async function signInWithPassword(page: Page, username: string): Promise<void> {
    await page.fill('#loginName', username);
    await page.click('button[type=submit]');
    await page.fill('#password', PASSWORD);
    await page.click('button[type=submit]');
  }

  it('SAML: a samlify SP sends the browser to the pages, which sign in and post a signed assertion to its ACS', async () => {
    const saml = await samlWorld(server);
    const idpMetadata = await (await fetch(`${server.baseUrl}/saml/v2/metadata`)).text();
    const entityID = uniqueEntity('pages');
    const acs = `${entityID.replace(/\/metadata$/, '')}/acs`;
    const sp = samlify.ServiceProvider({
      entityID,
      wantAssertionsSigned: true,
      relayState: 'rs-pages',
      nameIDFormat: ['urn:oasis:names:tc:SAML:2.0:nameid-format:persistent'],
      assertionConsumerService: [{ Binding: POST, Location: acs }],
    });
    await samlApp(server, saml.projectId, sp.getMetadata());
    const idp = samlify.IdentityProvider({ metadata: idpMetadata });
    const request = sp.createLoginRequest(idp, 'redirect') as { id: string; context: string };

    const context = await chromium.newContext({ locale: 'en-US' });
    const posts: string[] = [];
    let waiting: ((body: string) => void) | undefined;
    await context.route(`${new URL(acs).origin}/**`, async (route) => {
      const body = route.request().postData() ?? '';
      if (waiting) waiting(body);
      else posts.push(body);
      waiting = undefined;
      await route.fulfill({ status: 200, contentType: 'text/plain', body: 'SP signed in' });
    });
    const nextPost = () =>
      posts.length ? Promise.resolve(posts.shift()!) : new Promise<string>((resolve) => (waiting = resolve));
    const parsedPost = async (body: URLSearchParams) =>
      (
        await sp.parseLoginResponse(idp, 'post', {
          body: { SAMLResponse: body.get('SAMLResponse')!, RelayState: body.get('RelayState')! },
        })
      ).extract as {
        nameID: string;
        response: { inResponseTo: string };
        attributes: Record<string, unknown>;
      };
    const arrived = nextPost();
    const page = await context.newPage();
    await page.goto(request.context);
    expect(new URL(page.url()).pathname).toBe('/ui/v2/login/loginname');
    expect(new URL(page.url()).searchParams.get('samlRequest')).toBeTruthy();
    expect(await page.locator('.intro').innerText()).toMatch(/Sign in to continue to SP /);
    await page.fill('#loginName', saml.user.username);
    await page.click('button[type=submit]');
    await page.fill('#password', SAML_PASSWORD);
    await page.click('button[type=submit]');

    const body = new URLSearchParams(await arrived);
    expect(body.get('RelayState')).toBe('rs-pages');
    const extract = await parsedPost(body);
    expect(extract.nameID).toBe(saml.user.userId);
    expect(extract.response.inResponseTo).toBe(request.id);
    expect(extract.attributes.UserName).toBe(saml.user.username);

    // Signed in now: a second request goes on with this browser's session, asking nothing…
    const plain = sp.createLoginRequest(idp, 'redirect') as { id: string; context: string };
    const plainArrival = nextPost();
    await page.goto(plain.context);
    expect((await parsedPost(new URLSearchParams(await plainArrival))).response.inResponseTo).toBe(plain.id);
    // …but one with ForceAuthn asks for the login name and password again.
    const forced = sp.createLoginRequest(idp, 'redirect') as { id: string; context: string };
    await page.goto(withForceAuthn(forced.context));
    expect(new URL(page.url()).pathname).toBe('/ui/v2/login/loginname');
    await page.fill('#loginName', saml.user.username);
    await page.click('button[type=submit]');
    const forcedArrival = nextPost();
    await page.fill('#password', SAML_PASSWORD);
    await page.click('button[type=submit]');
    expect((await parsedPost(new URLSearchParams(await forcedArrival))).response.inResponseTo).toBe(forced.id);
    await context.close();

    // The same page without script: a Continue button posts the form (no inline script under the CSP).
    const res = await fetch(`${server.baseUrl}/ui/v2/login/assets/login.js`);
    expect(await res.text()).toContain("getElementById('auto-post')");
  });

  it('password reset: "Forgot password?", the code by email, a new password that meets the rules, then the app', async () => {
    const user = await addUser(server, world);
    const { context, page, landed } = await rpContext(chromium);
    const started = await authorizationUrl(config);
    await page.goto(started.url);
    await page.fill('#loginName', user.username);
    await page.click('button[type=submit]');
    await page.click('#forgot-password');
    expect(await heading(page)).toBe('Reset your password');
    await snap(page, 'password-reset');
    await page.click('button.primary');
    await page.waitForSelector('#newPassword');
    expect(await heading(page)).toBe('Choose a new password');
    const code = await mailedCode(`${user.username}@example.com`);

    // Too weak first: the server says so, in words, and keeps the code.
    await page.fill('#code', code);
    await page.fill('#newPassword', 'short');
    await page.fill('#confirmPassword', 'short');
    expect(await page.locator('li[data-rule="min:8"]').getAttribute('class')).toBeNull();
    await page.click('form[action$="/password/set"] button[type=submit]');
    expect(await page.locator('[role=alert]').innerText()).toContain('does not meet the requirements');
    await snap(page, 'password-set-error');
    await page.fill('#newPassword', NEW_PASSWORD);
    expect(await page.locator('li[data-rule="min:8"]').getAttribute('class')).toBe('met');
    await page.fill('#confirmPassword', NEW_PASSWORD);
    const arrival = landed();
    await page.click('form[action$="/password/set"] button[type=submit]');
    const tokens = await oidc.authorizationCodeGrant(config, await arrival, {
      pkceCodeVerifier: started.verifier,
      expectedState: started.state,
    });
    expect(tokens.claims()?.sub).toBe(user.id);
    await context.close();
  });

  it('registration (prompt=create): details, live password rules, the email code, then the app gets tokens for the new user', async () => {
    const { context, page, landed } = await rpContext(chromium);
    const started = await authorizationUrl(config, { prompt: 'create' });
    await page.goto(started.url);
    expect(new URL(page.url()).pathname).toBe('/ui/v2/login/register');
    expect(await heading(page)).toBe('Create your account');
    const email = `newbie-${Date.now().toString(36)}@example.com`;
    await page.fill('#givenName', 'Nina');
    await page.fill('#familyName', 'Newcomer');
    await page.fill('#email', email);
    await page.fill('#newPassword', NEW_PASSWORD);
    await page.fill('#confirmPassword', 'something else');
    await snap(page, 'register');
    await page.click('button.primary');
    expect(await page.locator('[role=alert]').innerText()).toContain('do not match');
    expect(await page.inputValue('#email')).toBe(email);
    await page.fill('#newPassword', NEW_PASSWORD);
    await page.fill('#confirmPassword', NEW_PASSWORD);
    await page.click('button.primary');

    await page.waitForSelector('#code');
    expect(await heading(page)).toBe('Verify your email address');
    await snap(page, 'verify-email');
    await page.fill('#code', 'WRONG1');
    await page.click('form[action$="/verify"] button.primary');
    expect(await page.locator('[role=alert]').innerText()).toContain('The code is wrong.');
    const arrival = landed();
    await page.fill('#code', await mailedCode(email));
    await page.click('form[action$="/verify"] button.primary');
    const tokens = await oidc.authorizationCodeGrant(config, await arrival, {
      pkceCodeVerifier: started.verifier,
      expectedState: started.state,
    });
    const [created] = await server.database.dataSource.query(
      'SELECT id, username, email_verified FROM users WHERE email = $1',
      [email],
    );
    expect(created).toMatchObject({ username: email, email_verified: true });
    expect(tokens.claims()?.sub).toBe(created.id);
    await context.close();
  });

  it('forced MFA: sets up a passkey in the virtual authenticator, then signs in with it alone (passwordless)', async () => {
    const mfaWorld = await forcedMfaWorld();
    // WebAuthn needs a domain as relying party id: the browser goes to localhost, not 127.0.0.1.
    const local = { ...server, baseUrl: `http://localhost:${new URL(server.baseUrl).port}` };
    const localConfig = await rp(local, mfaWorld.web.clientId, mfaWorld.web.clientSecret);
    const { context, page, landed } = await rpContext(chromium);
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
      },
    });

    const first = await authorizationUrl(localConfig);
    await page.goto(first.url);
    await signInWithPassword(page, mfaWorld.user.username);
    await page.waitForSelector('ul.choices');
    expect(await heading(page)).toBe('Set up a second factor');
    // Forced: no way past it but setting one up.
    expect(await page.locator('#mfa-skip').count()).toBe(0);
    await snap(page, 'mfa-setup');
    await page.click('a[href*="/mfa/setup/totp"]');
    expect(await page.locator('#totp-uri').textContent()).toMatch(/^otpauth:\/\/totp\//);
    await snap(page, 'totp-setup');
    await page.click('a.secondary');
    await page.click('a[href*="/mfa/setup/passkey"]');
    expect(await heading(page)).toBe('Set up a passkey');
    await snap(page, 'passkey-setup');
    await page.click('#webauthn-start');
    // Registered: the passkey page checks it on the session, then the app.
    await page.waitForURL(/\/ui\/v2\/login\/passkey\?/);
    await snap(page, 'passkey');
    const firstArrival = landed();
    await page.click('#webauthn-start');
    const tokens = await oidc.authorizationCodeGrant(localConfig, await firstArrival, {
      pkceCodeVerifier: first.verifier,
      expectedState: first.state,
    });
    expect(tokens.claims()?.sub).toBe(mfaWorld.user.id);
    const [{ n }] = await server.database.dataSource.query(
      `SELECT count(*)::int AS n FROM user_webauthn_credentials WHERE user_id = $1 AND kind = 'passkey' AND state = 'ready'`,
      [mfaWorld.user.id],
    );
    expect(n).toBe(1);

    // Passwordless: login name, then the passkey instead of the password.
    const second = await authorizationUrl(localConfig, { prompt: 'login' });
    await page.goto(second.url);
    await page.fill('#loginName', mfaWorld.user.username);
    await page.click('button[type=submit]');
    await page.click('#use-passkey');
    const secondArrival = landed();
    await page.click('#webauthn-start');
    const again = await oidc.authorizationCodeGrant(localConfig, await secondArrival, {
      pkceCodeVerifier: second.verifier,
      expectedState: second.state,
    });
    expect(again.claims()?.sub).toBe(mfaWorld.user.id);
    expect(again.claims()?.amr).not.toContain('pwd');
    await context.close();
  }, 60_000);

  it('forced MFA with U2F only: registers a security key (not discoverable, no user verification), proves it once, then the app gets mfa', async () => {
    const u2fWorld = await worldWithLoginPolicy({
      allowUsernamePassword: true,
      passwordlessType: 0,
      secondFactors: [2],
      forceMfa: true,
      passwordCheckLifetime: { seconds: 864000n },
    });
    // WebAuthn needs a domain as relying party id: the browser goes to localhost, not 127.0.0.1.
    const local = { ...server, baseUrl: `http://localhost:${new URL(server.baseUrl).port}` };
    const localConfig = await rp(local, u2fWorld.web.clientId, u2fWorld.web.clientSecret);
    const { context, page, landed } = await rpContext(chromium);
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    // A plain USB security key: no resident keys and no user verification, as U2F keys are.
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'usb', hasResidentKey: false, hasUserVerification: false },
    });

    const started = await authorizationUrl(localConfig);
    await page.goto(started.url);
    await signInWithPassword(page, u2fWorld.user.username);
    await page.waitForSelector('ul.choices');
    // U2F as the only second factor, passkeys not allowed: the security key is the one choice.
    expect(await page.locator('ul.choices a').allInnerTexts()).toEqual(['Security key']);
    await page.click('a[href*="/mfa/setup/u2f"]');
    expect(await heading(page)).toBe('Set up a security key');
    await snap(page, 'u2f-setup');
    await page.click('#webauthn-start');
    // Registered: the sign-in's WebAuthn page checks it on the session as the second factor.
    await page.waitForURL(/\/ui\/v2\/login\/passkey\?/);
    expect(await heading(page)).toBe('Confirm with your security key'); // not "passkey": a security key is all the user has
    expect(await page.locator('#webauthn-start').innerText()).toBe('Use security key');
    const arrival = landed();
    await page.click('#webauthn-start');
    const tokens = await oidc.authorizationCodeGrant(localConfig, await arrival, {
      pkceCodeVerifier: started.verifier,
      expectedState: started.state,
    });
    expect(tokens.claims()?.sub).toBe(u2fWorld.user.id);
    expect(tokens.claims()?.amr).toEqual(expect.arrayContaining(['pwd', 'mfa']));
    const credentials = await server.database.dataSource.query(
      `SELECT kind, state, user_verification FROM user_webauthn_credentials WHERE user_id = $1`,
      [u2fWorld.user.id],
    );
    expect(credentials).toEqual([{ kind: 'u2f', state: 'ready', user_verification: 'discouraged' }]);
    await context.close();
  }, 60_000);

  it('forced MFA: a user without a second factor sets up TOTP (QR code and key), and the code signs in', async () => {
    const mfaWorld = await forcedMfaWorld();
    const user = await addUser(server, mfaWorld);
    const mfaConfig = await rp(server, mfaWorld.web.clientId, mfaWorld.web.clientSecret);
    const { context, page, landed } = await rpContext(chromium);
    const started = await authorizationUrl(mfaConfig);
    await page.goto(started.url);
    await signInWithPassword(page, user.username);
    await page.click('a[href*="/mfa/setup/totp"]');
    expect(await page.locator('.qr svg path').count()).toBe(1);
    const secret = (await page.locator('#totp-secret').innerText()).replace(/\s/g, '');
    await page.fill('#code', '000000' === appCode(secret) ? '111111' : '000000');
    await page.click('form[action$="/mfa/setup/totp"] button.primary');
    expect(await page.locator('[role=alert]').innerText()).toContain('The code is wrong.');
    // The same seed again after a wrong code (the app has it already).
    expect((await page.locator('#totp-secret').innerText()).replace(/\s/g, '')).toBe(secret);
    const tokens = await finishTotpSetup(page, landed, mfaConfig, started, secret);
    expect(tokens.claims()?.sub).toBe(user.id);
    expect(tokens.claims()?.amr).toEqual(expect.arrayContaining(['pwd', 'otp', 'mfa']));
    await context.close();
  });

  it('optional MFA: after the password the set-up is offered with Skip; Skip is recorded, the app gets tokens, and the next sign-in is not asked', async () => {
    const promptWorld = await mfaPromptWorld();
    const user = await addUser(server, promptWorld);
    const promptConfig = await rp(server, promptWorld.web.clientId, promptWorld.web.clientSecret);
    const { context, page, landed } = await rpContext(chromium);
    const first = await authorizationUrl(promptConfig);
    await page.goto(first.url);
    await signInWithPassword(page, user.username);
    await page.waitForSelector('#mfa-skip');
    expect(await heading(page)).toBe('Set up a second factor');
    expect(await page.locator('ul.choices a').count()).toBe(3);
    await snap(page, 'mfa-prompt');
    const arrival = landed();
    await page.click('#mfa-skip');
    const tokens = await oidc.authorizationCodeGrant(promptConfig, await arrival, {
      pkceCodeVerifier: first.verifier,
      expectedState: first.state,
    });
    expect(tokens.claims()?.sub).toBe(user.id);
    expect(tokens.claims()?.amr).not.toContain('mfa');
    // Recorded as HumanMFAInitSkipped records it: the time on the user and an audit event.
    const [skipped] = await server.database.dataSource.query(
      `SELECT u.mfa_init_skipped_at, (SELECT count(*)::int FROM events e WHERE e.aggregate_id = u.id AND e.event_type = 'user.human.mfa.init.skipped') AS events
         FROM users u WHERE u.id = $1`,
      [user.id],
    );
    expect(Date.now() - new Date(skipped.mfa_init_skipped_at).getTime()).toBeLessThan(60_000);
    expect(skipped.events).toBe(1);

    // Within the skip lifetime the password leads straight to the app.
    const second = await authorizationUrl(promptConfig, { prompt: 'login' });
    await page.goto(second.url);
    const secondArrival = landed();
    await signInWithPassword(page, user.username);
    const again = await oidc.authorizationCodeGrant(promptConfig, await secondArrival, {
      pkceCodeVerifier: second.verifier,
      expectedState: second.state,
    });
    expect(again.claims()?.sub).toBe(user.id);
    await context.close();
  });

  it('optional MFA (in German): setting up TOTP from the prompt signs in with it', async () => {
    const promptWorld = await mfaPromptWorld();
    const user = await addUser(server, promptWorld);
    const promptConfig = await rp(server, promptWorld.web.clientId, promptWorld.web.clientSecret);
    const { context, page, landed } = await rpContext(chromium, { locale: 'de-DE' });
    const started = await authorizationUrl(promptConfig);
    await page.goto(started.url);
    await signInWithPassword(page, user.username);
    await page.waitForSelector('#mfa-skip');
    expect(await heading(page)).toBe('Zweiten Faktor einrichten');
    expect(await page.locator('#mfa-skip').textContent()).toBe('Überspringen');
    await page.click('a[href*="/mfa/setup/totp"]');
    const secret = (await page.locator('#totp-secret').innerText()).replace(/\s/g, '');
    const tokens = await finishTotpSetup(page, landed, promptConfig, started, secret);
    expect(tokens.claims()?.sub).toBe(user.id);
    expect(tokens.claims()?.amr).toEqual(expect.arrayContaining(['pwd', 'otp', 'mfa']));
    await context.close();
  });

  it('optional MFA: with mfaInitSkipLifetime 0 there is no prompt, the password leads straight to the app', async () => {
    const quiet = await worldWithLoginPolicy({ ...FACTORS_POLICY, mfaInitSkipLifetime: { seconds: 0n } });
    const quietConfig = await rp(server, quiet.web.clientId, quiet.web.clientSecret);
    const { context, page, landed } = await rpContext(chromium);
    const started = await authorizationUrl(quietConfig);
    await page.goto(started.url);
    const arrival = landed();
    await signInWithPassword(page, quiet.user.username);
    const tokens = await oidc.authorizationCodeGrant(quietConfig, await arrival, {
      pkceCodeVerifier: started.verifier,
      expectedState: started.state,
    });
    expect(tokens.claims()?.sub).toBe(quiet.user.id);
    await context.close();
  });

  it('accepts an invitation: the link sets the first password with the invite code, then signs in', async () => {
    const users = client(UserService, 'grpc', server.baseUrl, server.adminPat);
    const username = `invitee-${Date.now().toString(36)}`;
    const { userId } = await users.addHumanUser({
      username,
      organization: { org: { case: 'orgId', value: world.orgId } },
      profile: { givenName: 'Ivy', familyName: 'Invited' },
      email: { email: `${username}@example.com`, verification: { case: 'isVerified', value: false } },
    });
    const { inviteCode } = await users.createInviteCode({ userId, verification: { case: 'returnCode', value: {} } });
    const { context, page } = await rpContext(chromium);
    await page.goto(`${server.baseUrl}/ui/v2/login/verify?userId=${userId}&code=${inviteCode}&invite=true`);
    expect(await heading(page)).toBe('Accept your invitation');
    expect(await page.inputValue('#code')).toBe(inviteCode);
    await snap(page, 'invite');
    await page.fill('#newPassword', NEW_PASSWORD);
    await page.fill('#confirmPassword', NEW_PASSWORD);
    await page.click('button.primary');
    expect(await heading(page)).toBe('You are signed in');
    const [row] = await server.database.dataSource.query('SELECT state, email_verified FROM users WHERE id = $1', [
      userId,
    ]);
    expect(row).toEqual({ state: 'active', email_verified: true });
    await context.close();
  });

  it('a passkey registration link (returnCode) registers a passkey without a session, then the code is spent', async () => {
    const user = await addUser(server, world, null);
    const link = await client(UserService, 'grpc', server.baseUrl, server.adminPat).createPasskeyRegistrationLink({
      userId: user.id,
      medium: { case: 'returnCode', value: {} },
    });
    // WebAuthn needs a domain as relying party id: the browser goes to localhost, not 127.0.0.1.
    const linkUrl = `http://localhost:${new URL(server.baseUrl).port}/ui/v2/login/passkey/set?${new URLSearchParams({ userId: user.id, codeId: link.code!.id, code: link.code!.code, orgId: world.orgId })}`;
    const { context, page } = await rpContext(chromium);
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
      },
    });
    const credentials = async () =>
      (await server.database.dataSource.query('SELECT kind, state FROM user_webauthn_credentials WHERE user_id = $1', [
        user.id,
      ])) as { kind: string; state: string }[];

    // Opening the link spends nothing (mail scanners open links too): a second opening is the same page.
    const prefetched = await fetch(linkUrl);
    expect(prefetched.status).toBe(200);
    await page.goto(linkUrl);
    expect(await heading(page)).toBe('Set up a passkey');
    expect(await page.locator('.who').innerText()).toContain(user.username);
    await snap(page, 'passkey-link');
    await page.click('#passkey-link-start');
    await page.click('#webauthn-start');
    await page.waitForSelector('#sign-in');
    expect(await heading(page)).toBe('Passkey added');
    expect(await page.locator('p.intro').innerText()).toBe('You can now sign in with it.');
    expect(await page.getAttribute('#sign-in', 'href')).toMatch(/^\/ui\/v2\/login\/loginname\?/);
    expect(await credentials()).toEqual([{ kind: 'passkey', state: 'ready' }]);

    // The same link again: the code is used up, the page says so and registers nothing.
    await page.goto(linkUrl);
    const [spent] = await Promise.all([
      page.waitForResponse(
        (res) => res.url().includes('/ui/v2/login/passkey/set') && res.request().method() === 'POST',
      ),
      page.click('#passkey-link-start'),
    ]);
    expect(spent.status()).toBe(400);
    expect(await page.locator('[role=alert]').innerText()).toContain(
      'This passkey link is invalid, has expired or was already used.',
    );
    expect(await page.content()).not.toContain('webauthn-create');
    expect(await credentials()).toEqual([{ kind: 'passkey', state: 'ready' }]);
    await context.close();
  }, 60_000);

  it('speaks German on the new pages', async () => {
    const { context, page } = await rpContext(chromium, { locale: 'de-DE' });
    await page.goto(`${server.baseUrl}/ui/v2/login/register`);
    expect(await heading(page)).toBe('Konto erstellen');
    expect(await page.locator('#complexity').innerText()).toContain('mindestens 8 Zeichen');
    await page.click('button.primary');
    expect(await page.locator('[role=alert]').innerText()).toContain('Bitte füllen Sie dieses Feld aus.');
    await context.close();
  });
});
