import { createPrivateKey } from 'node:crypto';
import { importJWK, importPKCS8, SignJWT, type JWK } from 'jose';
import { AppService } from '@zitadel/proto/zitadel/app/v2beta/app_service_pb.js';
import {
  OIDCAppType,
  OIDCAuthMethodType,
  OIDCGrantType,
  OIDCResponseType,
} from '@zitadel/proto/zitadel/app/v2beta/oidc_pb.js';
import { SettingsService } from '@zitadel/proto/zitadel/settings/v2/settings_service_pb.js';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { FeatureService } from '@zitadel/proto/zitadel/feature/v2/feature_service_pb.js';
import { FeaturesService } from '../../src/features/features.service.js';
import { TOKEN_EXCHANGE_ERRORS as TX } from '../../src/oidc/token-exchange.errors.js';
import { SigningKeys } from '../../src/webkeys/signing-keys.store.js';
import { client, rest } from '../support/clients.js';
import { otherInstance, type OtherInstance } from '../support/instances.js';
import { machineWithRoles } from '../support/principals.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import {
  oidc,
  oidcWorld,
  REDIRECT,
  rp,
  signIn,
  storedAccessTokens as storedTokens,
  enableTokenExchange,
  TOKEN_EXCHANGE,
  tokenExchange,
  type OidcWorld,
} from './support.js';

let server: TestServer;
let world: OidcWorld;
/** Another org of the same instance, with its own project and apps (the attacker's). */
let orgB: OidcWorld;
let instanceId: string;

beforeAll(async () => {
  server = await bootTestServer();
  world = await oidcWorld(server);
  orgB = await oidcWorld(server);
  [{ id: instanceId }] = await server.database.dataSource.query('SELECT id FROM instances');
  await enableTokenExchange(server.baseUrl, server.adminPat);
});
afterAll(() => server?.close());

const ACCESS_TOKEN = 'urn:ietf:params:oauth:token-type:access_token';
const ID_TOKEN = 'urn:ietf:params:oauth:token-type:id_token';
const JWT = 'urn:ietf:params:oauth:token-type:jwt';
const USER_ID = 'urn:zitadel:params:oauth:token-type:user_id';
const API_SCOPE = 'urn:zitadel:iam:org:project:id:zitadel:aud';

type Client = { clientId: string; clientSecret: string };

const exchange = (form: Record<string, string>, as: Client = world.web, baseUrl = server.baseUrl) =>
  tokenExchange(baseUrl, as, form);
const storedAccessTokens = (instance = instanceId) => storedTokens(server, instance);

/** The exchange is refused with this OAuth error and error id, and no token is written. */
async function expectRefused(
  form: Record<string, string>,
  error: string,
  id: string,
  as: Client = world.web,
  baseUrl = server.baseUrl,
  instance = instanceId,
) {
  const before = await storedAccessTokens(instance);
  const res = await exchange(form, as, baseUrl);
  expect(res).toMatchObject({ status: 400, body: { error } });
  expect(res.body.error_description).toContain(`(${id})`);
  expect(res.body.access_token).toBeUndefined();
  expect(await storedAccessTokens(instance)).toBe(before);
  return res;
}

async function introspect(token: string, api: Client = world.api) {
  return oidc.tokenIntrospection(await rp(server, api.clientId, api.clientSecret), token);
}

/** Tokens of the world's user, signed in at the world's web app with these scopes. */
async function userTokens(scope = 'openid profile') {
  return signIn(server, world, await rp(server, world.web.clientId, world.web.clientSecret), scope);
}

/** An access token of a machine user with these instance roles, by client_credentials, for the world's project. */
async function machineToken(
  roles: string[],
  scope = `openid urn:zitadel:iam:org:project:id:${world.projectId}:aud`,
): Promise<{ userId: string; token: string }> {
  const { userId } = await machineWithRoles(server, world.orgId, { level: 'instance', resourceId: instanceId, roles });
  const { clientSecret } = await client(UserService, 'grpc', server.baseUrl, server.adminPat).addSecret({ userId });
  const [{ username }] = await server.database.dataSource.query('SELECT username FROM users WHERE id = $1', [userId]);
  const { access_token } = await oidc.clientCredentialsGrant(await rp(server, username, clientSecret), { scope });
  return { userId, token: access_token };
}

/** Another web app of the world's project, allowed token exchange. */
function projectApp(authMethodType: OIDCAuthMethodType) {
  return client(AppService, 'grpc', server.baseUrl, server.adminPat).createApplication({
    projectId: world.projectId,
    name: `Exchanging app ${Date.now()}`,
    creationRequestType: {
      case: 'oidcRequest',
      value: {
        redirectUris: [REDIRECT],
        responseTypes: [OIDCResponseType.OIDC_RESPONSE_TYPE_CODE],
        grantTypes: [OIDCGrantType.OIDC_GRANT_TYPE_AUTHORIZATION_CODE, OIDCGrantType.OIDC_GRANT_TYPE_TOKEN_EXCHANGE],
        appType: OIDCAppType.OIDC_APP_TYPE_WEB,
        authMethodType,
        devMode: true,
      },
    },
  });
}

describe('token exchange (RFC 8693)', () => {
  it("exchanges a user's access token for one of the calling app", async () => {
    const { access_token } = await userTokens();
    const { status, body } = await exchange({
      subject_token: access_token,
      subject_token_type: ACCESS_TOKEN,
      scope: 'openid',
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({ issued_token_type: ACCESS_TOKEN, token_type: 'Bearer', scope: 'openid' });
    const introspected = await introspect(body.access_token);
    expect(introspected).toMatchObject({ active: true, sub: world.user.id });
    expect(introspected.act).toBeUndefined();
  });

  it('takes the subject token’s scopes when none are asked for', async () => {
    const { access_token } = await userTokens('openid profile email');
    const { status, body } = await exchange({ subject_token: access_token, subject_token_type: ACCESS_TOKEN });
    expect(status).toBe(200);
    expect(body.scope.split(' ').sort()).toEqual(['email', 'openid', 'profile']);
  });

  it("accepts an access token whose audience names the exchanging client's project (ZITADEL's rule: client or project)", async () => {
    const sibling = await projectApp(OIDCAuthMethodType.OIDC_AUTH_METHOD_TYPE_BASIC);
    const { access_token } = await userTokens();
    const res = await exchange(
      { subject_token: access_token, subject_token_type: ACCESS_TOKEN },
      sibling.creationResponseType.value as Client,
    );
    expect(res.status).toBe(200);
    expect(await introspect(res.body.access_token)).toMatchObject({ active: true, sub: world.user.id });
  });
});

describe('token exchange is bound to the exchanging client', () => {
  it("refuses an app of another org an org-A user's access token issued to an org-A app (ZITADEL's rule: the audience must name the client or its project)", async () => {
    const { access_token } = await userTokens(`openid profile ${API_SCOPE}`);
    await expectRefused(
      { subject_token: access_token, subject_token_type: ACCESS_TOKEN },
      'invalid_grant',
      TX.notForClient,
      orgB.web,
    );
    await expectRefused(
      { subject_token: access_token, subject_token_type: ACCESS_TOKEN, scope: `openid ${API_SCOPE}` },
      'invalid_grant',
      TX.notForClient,
      orgB.web,
    );
  });

  it("refuses an app of another org an org-A user's ID token issued to an org-A app (the ID token's aud must be the exchanging client)", async () => {
    const { id_token } = await userTokens();
    expect(id_token).toBeDefined();
    await expectRefused(
      { subject_token: id_token!, subject_token_type: ID_TOKEN, scope: 'openid' },
      'invalid_grant',
      TX.notForClient,
      orgB.web,
    );
  });

  it('refuses an actor token that was not issued to the exchanging client (ZITADEL’s rule, as for the subject)', async () => {
    await client(SettingsService, 'grpc', server.baseUrl, server.adminPat).setSecuritySettings({
      enableImpersonation: true,
    });
    try {
      const impersonator = await machineToken(['IAM_END_USER_IMPERSONATOR'], 'openid');
      await expectRefused(
        {
          subject_token: world.user.id,
          subject_token_type: USER_ID,
          actor_token: impersonator.token,
          actor_token_type: ACCESS_TOKEN,
        },
        'invalid_grant',
        TX.notForClient,
      );
    } finally {
      await client(SettingsService, 'grpc', server.baseUrl, server.adminPat).setSecuritySettings({
        enableImpersonation: false,
      });
    }
  });

  it('refuses a token of another instance, whatever its type (a token of instance 1 exchanged at instance 2)', async () => {
    const other: OtherInstance = await otherInstance(server);
    const worldThere = await oidcWorld({ ...server, baseUrl: other.baseUrl, adminPat: other.adminPat });
    await enableTokenExchange(other.baseUrl, other.adminPat);
    const { access_token, id_token } = await userTokens(`openid ${API_SCOPE}`);
    const there = (form: Record<string, string>, id: string) =>
      expectRefused(form, 'invalid_grant', id, worldThere.web, other.baseUrl, other.instanceId);
    await there({ subject_token: access_token, subject_token_type: ACCESS_TOKEN }, TX.tokenInvalid);
    await there({ subject_token: id_token!, subject_token_type: ID_TOKEN }, TX.tokenInvalid);
    // The same client id and secret do not exist there either: the request names instance 2's app.
    expect(
      (await exchange({ subject_token: access_token, subject_token_type: ACCESS_TOKEN }, worldThere.web)).body.error,
    ).toBe('invalid_client');
  });
});

describe('token exchange cannot widen scopes or audiences', () => {
  it("refuses scopes the subject access token does not hold (ZITADEL's rule: a subset of the subject's), the API audience scope included", async () => {
    const { access_token } = await userTokens('openid profile');
    const subject = { subject_token: access_token, subject_token_type: ACCESS_TOKEN };
    await expectRefused({ ...subject, scope: 'openid profile email' }, 'invalid_scope', TX.scopeNotHeld);
    await expectRefused({ ...subject, scope: `openid ${API_SCOPE}` }, 'invalid_scope', TX.scopeNotHeld);
    await expectRefused(
      { ...subject, scope: `openid urn:zitadel:iam:org:project:id:${orgB.projectId}:aud` },
      'invalid_scope',
      TX.scopeNotHeld,
    );
    await expectRefused({ ...subject, scope: 'openid offline_access' }, 'invalid_scope', TX.scopeNotHeld);
    expect((await exchange({ ...subject, scope: 'profile' })).status).toBe(200);
  });

  it('grants the API audience scope when the subject token had it, and the new token then calls the API as the user', async () => {
    const { access_token } = await userTokens(`openid ${API_SCOPE}`);
    const res = await exchange({
      subject_token: access_token,
      subject_token_type: ACCESS_TOKEN,
      scope: `openid ${API_SCOPE}`,
    });
    expect(res.status).toBe(200);
    expect(
      (await rest(server.baseUrl, 'GET', `/v2/users/${world.user.id}`, { token: res.body.access_token })).status,
    ).toBe(200);

    const narrowed = await exchange({ subject_token: access_token, subject_token_type: ACCESS_TOKEN, scope: 'openid' });
    expect(narrowed.status).toBe(200);
  });

  it('lets an ID token subject carry openid and the profile scopes only: nothing else can be added', async () => {
    const { id_token } = await userTokens('openid');
    const subject = { subject_token: id_token!, subject_token_type: ID_TOKEN };
    const ok = await exchange({ ...subject, scope: 'openid profile email' });
    expect(ok.status).toBe(200);
    // Its audience is the ID token's: the app alone (the project's API app may not introspect it).
    expect(await introspect(ok.body.access_token, world.web)).toMatchObject({
      active: true,
      sub: world.user.id,
      aud: world.web.clientId,
    });
    await expectRefused({ ...subject, scope: `openid ${API_SCOPE}` }, 'invalid_scope', TX.scopeNotHeld);
    await expectRefused({ ...subject, scope: 'openid offline_access' }, 'invalid_scope', TX.scopeNotHeld);
    await expectRefused(
      { ...subject, scope: 'openid urn:zitadel:iam:org:project:role:admin' },
      'invalid_scope',
      TX.scopeNotHeld,
    );
  });

  it("refuses an audience the subject token does not have with invalid_target (ZITADEL's rule: a subset), and issues a token for one it has", async () => {
    const { access_token } = await userTokens('openid');
    const subject = { subject_token: access_token, subject_token_type: ACCESS_TOKEN };
    await expectRefused({ ...subject, audience: orgB.projectId }, 'invalid_target', TX.audienceNotHeld);
    await expectRefused(
      { ...subject, audience: `${world.projectId} ${instanceId}` },
      'invalid_target',
      TX.audienceNotHeld,
    );
    await expectRefused({ ...subject, resource: 'https://api.example.com' }, 'invalid_target', TX.resourceUnsupported);

    const res = await exchange({ ...subject, audience: world.projectId });
    expect(res.status).toBe(200);
    expect((await introspect(res.body.access_token)).aud).toEqual(world.projectId);
  });
});

describe('impersonation and JWT subject tokens', () => {
  const settings = () => client(SettingsService, 'grpc', server.baseUrl, server.adminPat);

  it('impersonates only when the security settings allow it and the actor holds the impersonation permission', async () => {
    const impersonator = await machineToken(['IAM_END_USER_IMPERSONATOR']);
    const asUser = {
      subject_token: world.user.id,
      subject_token_type: USER_ID,
      actor_token: impersonator.token,
      actor_token_type: ACCESS_TOKEN,
      scope: 'openid',
    };

    await expectRefused(asUser, 'invalid_grant', TX.impersonationDisabled);

    await settings().setSecuritySettings({ enableImpersonation: true });
    const allowed = await exchange(asUser);
    expect(allowed.status).toBe(200);
    expect(await introspect(allowed.body.access_token)).toMatchObject({
      active: true,
      sub: world.user.id,
      act: { sub: impersonator.userId },
    });

    const plain = await machineToken(['IAM_OWNER_VIEWER']);
    await expectRefused({ ...asUser, actor_token: plain.token }, 'invalid_grant', TX.impersonationDenied);
    // The actor's scopes bound what the impersonation token gets (ZITADEL's rule for scope-less subjects).
    await expectRefused({ ...asUser, scope: `openid ${API_SCOPE}` }, 'invalid_scope', TX.scopeNotHeld);

    await expectRefused(
      { subject_token: world.user.id, subject_token_type: USER_ID },
      'invalid_request',
      TX.actorRequired,
    );
  });

  it("verifies a JWT subject token with the exchanging client's registered keys, never the instance's signing keys", async () => {
    await settings().setSecuritySettings({ enableImpersonation: true });
    const created = await projectApp(OIDCAuthMethodType.OIDC_AUTH_METHOD_TYPE_PRIVATE_KEY_JWT);
    const { clientId } = created.creationResponseType.value as { clientId: string };
    const key = await client(AppService, 'grpc', server.baseUrl, server.adminPat).createApplicationKey({
      projectId: world.projectId,
      appId: created.appId,
    });
    const keyFile = JSON.parse(Buffer.from(key.keyDetails).toString('utf8')) as { keyId: string; key: string };
    const appKey = await importPKCS8(
      createPrivateKey(keyFile.key).export({ type: 'pkcs8', format: 'pem' }).toString(),
      'RS256',
    );
    const config = await oidc.discovery(
      new URL(server.baseUrl),
      clientId,
      undefined,
      oidc.PrivateKeyJwt({ key: appKey, kid: keyFile.keyId }),
      {
        execute: [oidc.allowInsecureRequests],
      },
    );
    const impersonator = await machineToken(['IAM_END_USER_IMPERSONATOR']);
    const withJwt = (jwt: string) => ({
      subject_token: jwt,
      subject_token_type: JWT,
      actor_token: impersonator.token,
      actor_token_type: ACCESS_TOKEN,
      scope: 'openid',
    });
    const claims = (aud = server.baseUrl, iat = Math.floor(Date.now() / 1000)) =>
      new SignJWT({})
        .setIssuer(clientId)
        .setSubject(world.user.id)
        .setAudience(aud)
        .setIssuedAt(iat)
        .setExpirationTime(iat + 7200);
    const byClient = (jwt = claims()) => jwt.setProtectedHeader({ alg: 'RS256', kid: keyFile.keyId }).sign(appKey);
    const refusedAsInvalid = async (jwt: string) => {
      const before = await storedAccessTokens();
      await expect(oidc.genericGrantRequest(config, TOKEN_EXCHANGE, withJwt(jwt))).rejects.toMatchObject({
        error: 'invalid_grant',
        error_description: expect.stringContaining(TX.tokenInvalid),
      });
      expect(await storedAccessTokens()).toBe(before);
    };

    const [instanceKey] = (await server.app.get(SigningKeys).privateJwks(instanceId)).keys;
    await refusedAsInvalid(
      await claims()
        .setProtectedHeader({ alg: instanceKey.alg, kid: instanceKey.kid })
        .sign(await importJWK(instanceKey as JWK, instanceKey.alg)),
    );
    // Meant for this issuer, and not older than an hour (ZITADEL's JWT profile checks).
    await refusedAsInvalid(await byClient(claims('https://elsewhere.example.com')));
    await refusedAsInvalid(await byClient(claims(server.baseUrl, Math.floor(Date.now() / 1000) - 7200 + 300)));

    const tokens = await oidc.genericGrantRequest(config, TOKEN_EXCHANGE, withJwt(await byClient()));
    expect(await introspect(tokens.access_token)).toMatchObject({
      active: true,
      sub: world.user.id,
      act: { sub: impersonator.userId },
    });

    // A client without registered keys has nothing to verify a JWT subject with.
    await expectRefused(withJwt(await byClient()), 'invalid_grant', TX.noClientKeys);
    // A JWT subject is impersonation in ZITADEL: it needs an actor token.
    await expect(
      oidc.genericGrantRequest(config, TOKEN_EXCHANGE, { subject_token: await byClient(), subject_token_type: JWT }),
    ).rejects.toMatchObject({ error: 'invalid_request' });
  });
});

describe('token exchange of DPoP-bound tokens', () => {
  it('a DPoP-bound subject token is exchanged only with a proof of its key (RFC 9449 carried over: no laundering into a Bearer token), and the new token is bound to that key', async () => {
    const { userId } = await machineWithRoles(server, world.orgId, {
      level: 'instance',
      resourceId: instanceId,
      roles: ['IAM_OWNER_VIEWER'],
    });
    const { clientSecret } = await client(UserService, 'grpc', server.baseUrl, server.adminPat).addSecret({ userId });
    const [{ username }] = await server.database.dataSource.query('SELECT username FROM users WHERE id = $1', [userId]);
    const machine = await rp(server, username, clientSecret);
    const keys = await oidc.randomDPoPKeyPair('ES256');
    const subject = await oidc.clientCredentialsGrant(
      machine,
      { scope: `openid urn:zitadel:iam:org:project:id:${world.projectId}:aud` },
      { DPoP: oidc.getDPoPHandle(machine, keys) },
    );
    expect(subject.token_type).toBe('dpop');

    const form = { subject_token: subject.access_token, subject_token_type: ACCESS_TOKEN, scope: 'openid' };
    await expectRefused(form, 'invalid_grant', TX.bindingNotProven);
    const web = await rp(server, world.web.clientId, world.web.clientSecret);
    const before = await storedAccessTokens();
    const thief = oidc.getDPoPHandle(web, await oidc.randomDPoPKeyPair('ES256'));
    await expect(oidc.genericGrantRequest(web, TOKEN_EXCHANGE, form, { DPoP: thief })).rejects.toMatchObject({
      error: 'invalid_grant',
      error_description: expect.stringContaining(TX.bindingNotProven),
    });
    expect(await storedAccessTokens()).toBe(before);

    const holder = oidc.getDPoPHandle(web, keys);
    const exchanged = await oidc.genericGrantRequest(web, TOKEN_EXCHANGE, form, { DPoP: holder });
    expect(exchanged.token_type).toBe('dpop');
    const introspected = await introspect(exchanged.access_token);
    expect(introspected).toMatchObject({ active: true, sub: userId, token_type: 'DPoP' });
    expect((introspected.cnf as { jkt?: string }).jkt).toBe(await holder.calculateThumbprint());
  });
});

describe('the oidcTokenExchange feature switches token exchange (ZITADEL: off unless enabled)', () => {
  const features = () => client(FeatureService, 'grpc', server.baseUrl, server.adminPat);
  const systemFeatures = () => server.app.get(FeaturesService);
  afterAll(async () => {
    await systemFeatures().resetSystem('test');
    await features().setInstanceFeatures({ oidcTokenExchange: true });
  });

  it('refuses with invalid_request while no level enables it, takes the system value when the instance sets none, and the instance value over it', async () => {
    const { access_token } = await userTokens();
    const form = { subject_token: access_token, subject_token_type: ACCESS_TOKEN };
    await features().resetInstanceFeatures({});
    await expectRefused(form, 'invalid_request', TX.featureDisabled);

    await systemFeatures().setSystem('test', { oidcTokenExchange: true });
    expect((await exchange(form)).status).toBe(200);

    await features().setInstanceFeatures({ oidcTokenExchange: false });
    await expectRefused(form, 'invalid_request', TX.featureDisabled);
  });

  it('discovery lists the token-exchange grant only while the feature is on, and back-channel logout only while enableBackChannelLogout is (ZITADEL: discovery follows the flags)', async () => {
    const discovery = async () =>
      (await (await fetch(`${server.baseUrl}/.well-known/openid-configuration`)).json()) as {
        grant_types_supported: string[];
        backchannel_logout_supported?: boolean;
      };
    await systemFeatures().resetSystem('test');
    await features().resetInstanceFeatures({});
    const off = await discovery();
    expect(off.grant_types_supported).not.toContain(TOKEN_EXCHANGE);
    expect(off.grant_types_supported).toContain('urn:ietf:params:oauth:grant-type:jwt-bearer');
    expect(off.backchannel_logout_supported).toBe(false);

    await features().setInstanceFeatures({ oidcTokenExchange: true, enableBackChannelLogout: true });
    const on = await discovery();
    expect(on.grant_types_supported).toContain(TOKEN_EXCHANGE);
    expect(on.backchannel_logout_supported).toBe(true);
    await features().resetInstanceFeatures({});
  });

  it('checks the feature after the client: an app not allowed the grant type hears that, not about the feature', async () => {
    await features().resetInstanceFeatures({});
    const { access_token } = await userTokens();
    const res = await exchange({ subject_token: access_token, subject_token_type: ACCESS_TOKEN }, world.api);
    expect(res.body.error_description).toBe('requested grant type is not allowed for this client');
  });
});
