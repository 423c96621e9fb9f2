import { Code } from '@connectrpc/connect';
import { AppService } from '@zitadel/proto/zitadel/app/v2beta/app_service_pb.js';
import { OIDCAppType, OIDCAuthMethodType } from '@zitadel/proto/zitadel/app/v2beta/oidc_pb.js';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { hashToken } from '../../src/platform/crypto/master-key.js';
import { client, codeOf } from '../support/clients.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import {
  Browser,
  REDIRECT,
  addOidcApp,
  addUser,
  authorize,
  codeFlow,
  createCallback,
  expireStored,
  oauthErrorOf,
  oidc,
  oidcWorld,
  passwordSession,
  rp,
  userinfoStatus,
  type OidcWorld,
} from './support.js';

let server: TestServer;
let world: OidcWorld;
let config: oidc.Configuration;
let api: oidc.Configuration;

beforeAll(async () => {
  server = await bootTestServer();
  world = await oidcWorld(server);
  config = await rp(server, world.web.clientId, world.web.clientSecret);
  api = await rp(server, world.api.clientId, world.api.clientSecret);
});
afterAll(() => server?.close());

const OFFLINE = 'openid offline_access';

/** Authorizes and signs in, and answers the redirect back to the app (which carries the code). */
async function codeRedirect(browser = new Browser(), cfg = config, username = world.user.username) {
  const started = await authorize(browser, cfg);
  expect(started.authRequestId).toBeDefined();
  const callbackUrl = await createCallback(server, started.authRequestId!, await passwordSession(server, username));
  const { url } = await browser.follow(callbackUrl, server.baseUrl);
  expect(url.startsWith(REDIRECT)).toBe(true);
  expect(new URL(url).searchParams.get('code')).toBeTruthy();
  return { url: new URL(url), verifier: started.verifier, state: started.state };
}

const active = async (token: string) => (await oidc.tokenIntrospection(api, token)).active;

describe('the token endpoint refuses', () => {
  it('a code with the wrong PKCE verifier (invalid_grant)', async () => {
    const { url, state } = await codeRedirect();
    expect(
      await oauthErrorOf(
        oidc.authorizationCodeGrant(config, url, {
          pkceCodeVerifier: oidc.randomPKCECodeVerifier(),
          expectedState: state,
        }),
      ),
    ).toBe('invalid_grant');
  });

  it('a replayed code, and revokes the tokens issued for it (RFC 6749 §4.1.2)', async () => {
    const browser = new Browser();
    const again = await authorize(browser, config, {}, OFFLINE);
    const callbackUrl = await createCallback(
      server,
      again.authRequestId!,
      await passwordSession(server, world.user.username),
    );
    const { url } = await browser.follow(callbackUrl, server.baseUrl);
    const tokens = await oidc.authorizationCodeGrant(config, new URL(url), {
      pkceCodeVerifier: again.verifier,
      expectedState: again.state,
    });
    expect(tokens.refresh_token).toBeDefined();
    expect(await active(tokens.access_token)).toBe(true);
    expect(await userinfoStatus(server, tokens.access_token)).toBe(200);

    expect(
      await oauthErrorOf(
        oidc.authorizationCodeGrant(config, new URL(url), {
          pkceCodeVerifier: again.verifier,
          expectedState: again.state,
        }),
      ),
    ).toBe('invalid_grant');
    expect(await active(tokens.access_token)).toBe(false);
    expect(await userinfoStatus(server, tokens.access_token)).toBe(401);
    expect(await oauthErrorOf(oidc.refreshTokenGrant(config, tokens.refresh_token!))).toBe('invalid_grant');
  });

  it('a wrong client secret (invalid_client)', async () => {
    const { url, verifier, state } = await codeRedirect();
    const wrong = await rp(server, world.web.clientId, `${world.web.clientSecret}x`);
    expect(
      await oauthErrorOf(oidc.authorizationCodeGrant(wrong, url, { pkceCodeVerifier: verifier, expectedState: state })),
    ).toBe('invalid_client');
    // The code was not spent by the refused attempt.
    await expect(
      oidc.authorizationCodeGrant(config, url, { pkceCodeVerifier: verifier, expectedState: state }),
    ).resolves.toHaveProperty('access_token');
  });

  it('a client secret regenerated since: the old one at once, the new one works', async () => {
    const app = await addOidcApp(server, world);
    const before = await rp(server, app.clientId, app.clientSecret);
    const tokens = await codeFlow(server, new Browser(), before, world.user.username, OFFLINE);
    const { clientSecret } = await client(AppService, 'grpc', server.baseUrl, server.adminPat).regenerateClientSecret({
      projectId: world.projectId,
      applicationId: app.appId,
      appType: { case: 'isOidc', value: true },
    });
    expect(await oauthErrorOf(oidc.refreshTokenGrant(before, tokens.refresh_token!))).toBe('invalid_client');
    const after = await rp(server, app.clientId, clientSecret);
    await expect(oidc.refreshTokenGrant(after, tokens.refresh_token!)).resolves.toHaveProperty('access_token');
  });

  it('a reused (rotated-away) refresh token, and revokes the whole family', async () => {
    const tokens = await codeFlow(server, new Browser(), config, world.user.username, OFFLINE);
    const first = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    const second = await oidc.refreshTokenGrant(config, first.refresh_token!);
    expect(await active(second.access_token)).toBe(true);

    expect(await oauthErrorOf(oidc.refreshTokenGrant(config, first.refresh_token!))).toBe('invalid_grant');
    expect(await oauthErrorOf(oidc.refreshTokenGrant(config, second.refresh_token!))).toBe('invalid_grant');
    expect(await active(second.access_token)).toBe(false);
  });

  it("a refresh token used by several requests at once: one gets tokens, the others are a reuse that ends the family with the winner's tokens (RFC 9700 §4.14.2)", async () => {
    const tokens = await codeFlow(server, new Browser(), config, world.user.username, OFFLINE);
    const [{ grant_id: grantId }] = await server.database.dataSource.query(
      `SELECT grant_id FROM oidc_payloads WHERE model = 'RefreshToken' AND id = $1`,
      [hashToken(tokens.refresh_token!)],
    );
    expect(grantId).toEqual(expect.any(String));
    const grantRows = async () =>
      (
        await server.database.dataSource.query(
          `SELECT model FROM oidc_payloads WHERE grant_id = $1 AND model IN ('AccessToken', 'RefreshToken') ORDER BY model`,
          [grantId],
        )
      ).map((r: { model: string }) => r.model);
    expect(await grantRows()).toEqual(['AccessToken', 'RefreshToken']);
    const answers = await Promise.allSettled(
      Array.from({ length: 4 }, () => oidc.refreshTokenGrant(config, tokens.refresh_token!)),
    );
    const issued = answers.flatMap((a) => (a.status === 'fulfilled' ? [a.value] : []));
    expect(issued).toHaveLength(1);
    for (const refused of answers.filter((a) => a.status === 'rejected'))
      expect(await oauthErrorOf(Promise.reject(refused.reason))).toBe('invalid_grant');
    // The losers learn of the loss from the consumption, which commits with the winner's new tokens
    // (chainedWrites), so the grant they revoke takes those along: no row is left for the sweeper.
    expect(await grantRows()).toEqual([]);
    expect(await active(issued[0].access_token)).toBe(false);
    expect(await oauthErrorOf(oidc.refreshTokenGrant(config, issued[0].refresh_token!))).toBe('invalid_grant');
  });

  it('a code used by several requests at once: one gets tokens (RFC 6749 §4.1.2)', async () => {
    const { url, verifier, state } = await codeRedirect();
    const answers = await Promise.allSettled(
      Array.from({ length: 4 }, () =>
        oidc.authorizationCodeGrant(config, url, { pkceCodeVerifier: verifier, expectedState: state }),
      ),
    );
    expect(answers.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
    for (const refused of answers.filter((a) => a.status === 'rejected'))
      expect(await oauthErrorOf(Promise.reject(refused.reason))).toBe('invalid_grant');
  });
});

describe('refresh token rotation', () => {
  it('stores the new refresh and access token with their audit events in the request that consumes the old one', async () => {
    const tokens = await codeFlow(server, new Browser(), config, world.user.username, OFFLINE);
    const count = async (type: string) =>
      (await server.database.dataSource.query(`SELECT count(*)::int AS n FROM events WHERE event_type = $1`, [type]))[0]
        .n as number;
    const before = [await count('oidc.refresh_token.added'), await count('oidc.access_token.added')];
    const next = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    expect([await count('oidc.refresh_token.added'), await count('oidc.access_token.added')]).toEqual([
      before[0] + 1,
      before[1] + 1,
    ]);
    expect(await active(next.access_token)).toBe(true);
    await expect(oidc.refreshTokenGrant(config, next.refresh_token!)).resolves.toHaveProperty('access_token');
  });
});

describe('tokens stop working', () => {
  it('when expired: access tokens fail at userinfo and introspection, refresh tokens at the token endpoint', async () => {
    const tokens = await codeFlow(server, new Browser(), config, world.user.username, OFFLINE);
    expect(await userinfoStatus(server, tokens.access_token)).toBe(200);
    await expireStored(server, 'AccessToken', tokens.access_token);
    expect(await userinfoStatus(server, tokens.access_token)).toBe(401);
    expect(await active(tokens.access_token)).toBe(false);

    await expireStored(server, 'RefreshToken', tokens.refresh_token!);
    expect(await oauthErrorOf(oidc.refreshTokenGrant(config, tokens.refresh_token!))).toBe('invalid_grant');
  });

  it('when revoked, and the revocation is in the audit log', async () => {
    const tokens = await codeFlow(server, new Browser(), config, world.user.username);
    expect(await userinfoStatus(server, tokens.access_token)).toBe(200);
    const before = await revocationEvents();
    await oidc.tokenRevocation(config, tokens.access_token);
    expect(await userinfoStatus(server, tokens.access_token)).toBe(401);
    expect(await revocationEvents()).toBe(before + 1);
  });

  it('when the user is locked (ZITADEL: user events after a token end it): at userinfo, introspection and the token endpoint', async () => {
    const bob = await addUser(server, world);
    const tokens = await codeFlow(server, new Browser(), config, bob.username, OFFLINE);
    expect(await userinfoStatus(server, tokens.access_token)).toBe(200);
    expect(await active(tokens.access_token)).toBe(true);
    await client(UserService, 'grpc', server.baseUrl, server.adminPat).lockUser({ userId: bob.id });
    expect(await userinfoStatus(server, tokens.access_token)).toBe(401);
    expect(await active(tokens.access_token)).toBe(false);
    expect(await oauthErrorOf(oidc.refreshTokenGrant(config, tokens.refresh_token!))).toBe('invalid_grant');
  });

  it('for good when the user is locked or deactivated: unlocking or reactivating does not bring the old tokens back (ZITADEL deletes a user’s tokens on user.locked, user.deactivated and user.removed)', async () => {
    const users = client(UserService, 'grpc', server.baseUrl, server.adminPat);
    for (const [end, restore] of [
      [(id: string) => users.lockUser({ userId: id }), (id: string) => users.unlockUser({ userId: id })],
      [(id: string) => users.deactivateUser({ userId: id }), (id: string) => users.reactivateUser({ userId: id })],
    ] as const) {
      const carol = await addUser(server, world);
      const tokens = await codeFlow(server, new Browser(), config, carol.username, OFFLINE);
      expect(await active(tokens.access_token)).toBe(true);
      await end(carol.id);
      await restore(carol.id);
      expect(await userinfoStatus(server, tokens.access_token)).toBe(401);
      expect(await active(tokens.access_token)).toBe(false);
      expect(await oauthErrorOf(oidc.refreshTokenGrant(config, tokens.refresh_token!))).toBe('invalid_grant');
      // The user itself signs in again as before.
      const fresh = await codeFlow(server, new Browser(), config, carol.username, OFFLINE);
      expect(await active(fresh.access_token)).toBe(true);
    }
  });
});

async function revocationEvents(): Promise<number> {
  const [{ n }] = await server.database.dataSource.query(
    `SELECT count(*)::int AS n FROM events WHERE event_type = 'oidc.token.revoked'`,
  );
  return n;
}

describe('the authorization endpoint refuses', () => {
  it('an unregistered redirect URI with an error page, without redirecting there', async () => {
    const evil = 'http://localhost:4455/elsewhere';
    const { res, authRequestId } = await authorize(new Browser(), config, { redirect_uri: evil });
    expect(authRequestId).toBeUndefined();
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    const page = await res.text();
    expect(page).toContain('redirect_uri');
    expect(page).not.toContain(evil);
  });

  it('a deactivated app, as does the token endpoint', async () => {
    const app = await addOidcApp(server, world);
    const appConfig = await rp(server, app.clientId, app.clientSecret);
    const tokens = await codeFlow(server, new Browser(), appConfig, world.user.username, OFFLINE);
    const pending = await codeRedirect(new Browser(), appConfig);

    await client(AppService, 'grpc', server.baseUrl, server.adminPat).deactivateApplication({
      projectId: world.projectId,
      id: app.appId,
    });

    const { res, authRequestId } = await authorize(new Browser(), appConfig);
    expect(authRequestId).toBeUndefined();
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('invalid_client');
    expect(await oauthErrorOf(oidc.refreshTokenGrant(appConfig, tokens.refresh_token!))).toBe('invalid_client');
    expect(
      await oauthErrorOf(
        oidc.authorizationCodeGrant(appConfig, pending.url, {
          pkceCodeVerifier: pending.verifier,
          expectedState: pending.state,
        }),
      ),
    ).toBe('invalid_client');
  });

  it('a public client (auth method NONE) without PKCE', async () => {
    const app = await addOidcApp(server, world, {
      appType: OIDCAppType.OIDC_APP_TYPE_NATIVE,
      authMethodType: OIDCAuthMethodType.OIDC_AUTH_METHOD_TYPE_NONE,
    });
    const publicConfig = await oidc.discovery(new URL(server.baseUrl), app.clientId, undefined, oidc.None(), {
      execute: [oidc.allowInsecureRequests],
    });
    // With PKCE the request reaches the login: the refusal below is about PKCE alone.
    expect((await authorize(new Browser(), publicConfig)).authRequestId).toBeDefined();

    const url = oidc.buildAuthorizationUrl(publicConfig, { redirect_uri: REDIRECT, scope: 'openid', state: 'st' });
    const res = await new Browser().get(url.toString());
    const location = new URL(res.headers.get('location') ?? 'http://none/', server.baseUrl);
    expect(location.toString().startsWith(REDIRECT)).toBe(true);
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('error_description')).toMatch(/PKCE/);
  });
});

describe('CreateCallback refuses', () => {
  it("a user without a role on the project when the project's role check is on (FAILED_PRECONDITION)", async () => {
    const checked = await oidcWorld(server, { projectRoleCheck: true });
    const checkedConfig = await rp(server, checked.web.clientId, checked.web.clientSecret);
    const roleless = await addUser(server, checked, null);
    const started = await authorize(new Browser(), checkedConfig);
    expect(
      await codeOf(createCallback(server, started.authRequestId!, await passwordSession(server, roleless.username))),
    ).toBe(Code.FailedPrecondition);
    // The world's own user has the admin role and passes.
    await expect(
      createCallback(server, started.authRequestId!, await passwordSession(server, checked.user.username)),
    ).resolves.toMatch(new RegExp(`^${REDIRECT}\\?code=`));
  });
});
