// Security replay: an app of another org (or of another instance) tries to turn a user's token
// into an API token of its own by token exchange (RFC 8693), to read the user, ask for a
// password-reset code and change the email. Every attempt is refused and writes no token.
import { rest } from '../../support/clients.js';
import { otherInstance } from '../../support/instances.js';
import { bootTestServer, type TestServer } from '../../support/test-server.js';
import {
  enableTokenExchange,
  oidcWorld,
  rp,
  signIn,
  storedAccessTokens,
  tokenExchange,
  type OidcWorld,
} from '../../oidc/support.js';

const ACCESS_TOKEN = 'urn:ietf:params:oauth:token-type:access_token';
const ID_TOKEN = 'urn:ietf:params:oauth:token-type:id_token';
const API_SCOPE = 'urn:zitadel:iam:org:project:id:zitadel:aud';

let server: TestServer;
let orgA: OidcWorld;
let orgB: OidcWorld;
let instanceId: string;

beforeAll(async () => {
  server = await bootTestServer();
  orgA = await oidcWorld(server);
  orgB = await oidcWorld(server);
  [{ id: instanceId }] = await server.database.dataSource.query('SELECT id FROM instances');
  await enableTokenExchange(server.baseUrl, server.adminPat);
});
afterAll(() => server?.close());

/** What the stolen or self-issued token would be used for, as that user. */
async function apiAttack(token: string, userId: string, baseUrl = server.baseUrl): Promise<number[]> {
  return [
    (await rest(baseUrl, 'GET', `/v2/users/${userId}`, { token })).status,
    (await rest(baseUrl, 'POST', `/v2/users/${userId}/password_reset`, { token, body: { returnCode: {} } })).status,
    (
      await rest(baseUrl, 'POST', `/v2/users/${userId}/email`, {
        token,
        body: { email: 'attacker@example.com', returnCode: {} },
      })
    ).status,
  ];
}

describe('security: token exchange across orgs and instances', () => {
  it('org B’s app cannot exchange org A’s tokens, nor widen its own user token to an API token', async () => {
    // The victim signs in at org A's app, whose token may call the API (the control: the attack would work with it).
    const victim = await signIn(
      server,
      orgA,
      await rp(server, orgA.web.clientId, orgA.web.clientSecret),
      `openid profile ${API_SCOPE}`,
    );
    expect(
      (await rest(server.baseUrl, 'GET', `/v2/users/${orgA.user.id}`, { token: victim.access_token })).status,
    ).toBe(200);
    // The victim also signs in at org B's app, which gets tokens meant for itself only.
    const atB = await signIn(
      server,
      { ...orgB, user: orgA.user },
      await rp(server, orgB.web.clientId, orgB.web.clientSecret),
      'openid',
    );

    const before = await storedAccessTokens(server, instanceId);
    const attempts: [string, Record<string, string>, string][] = [
      [
        'org A access token',
        { subject_token: victim.access_token, subject_token_type: ACCESS_TOKEN, scope: `openid ${API_SCOPE}` },
        'invalid_grant',
      ],
      [
        'org A ID token',
        { subject_token: victim.id_token!, subject_token_type: ID_TOKEN, scope: `openid ${API_SCOPE}` },
        'invalid_grant',
      ],
      [
        'own access token widened to the API',
        { subject_token: atB.access_token, subject_token_type: ACCESS_TOKEN, scope: `openid ${API_SCOPE}` },
        'invalid_scope',
      ],
      [
        'own ID token widened to the API',
        { subject_token: atB.id_token!, subject_token_type: ID_TOKEN, scope: `openid ${API_SCOPE}` },
        'invalid_scope',
      ],
      [
        'own access token with the API audience',
        { subject_token: atB.access_token, subject_token_type: ACCESS_TOKEN, audience: instanceId },
        'invalid_target',
      ],
    ];
    for (const [attempt, form, error] of attempts) {
      const res = await tokenExchange(server.baseUrl, orgB.web, form);
      expect({ attempt, status: res.status, error: res.body.error, token: res.body.access_token }).toEqual({
        attempt,
        status: 400,
        error,
        token: undefined,
      });
    }
    expect(await storedAccessTokens(server, instanceId)).toBe(before);

    // What B may get (its own user token, narrowed) does not open the API.
    const allowed = await tokenExchange(server.baseUrl, orgB.web, {
      subject_token: atB.access_token,
      subject_token_type: ACCESS_TOKEN,
    });
    expect(allowed.status).toBe(200);
    expect(await apiAttack(allowed.body.access_token, orgA.user.id)).toEqual([401, 401, 401]);
  });

  it('a token of instance 1 is refused at instance 2', async () => {
    const other = await otherInstance(server);
    const there = await oidcWorld({ ...server, baseUrl: other.baseUrl, adminPat: other.adminPat });
    await enableTokenExchange(other.baseUrl, other.adminPat);
    const victim = await signIn(
      server,
      orgA,
      await rp(server, orgA.web.clientId, orgA.web.clientSecret),
      `openid ${API_SCOPE}`,
    );
    const before = await storedAccessTokens(server, other.instanceId);
    for (const form of [
      { subject_token: victim.access_token, subject_token_type: ACCESS_TOKEN },
      { subject_token: victim.id_token!, subject_token_type: ID_TOKEN },
    ]) {
      const res = await tokenExchange(other.baseUrl, there.web, form);
      expect({ status: res.status, error: res.body.error }).toEqual({ status: 400, error: 'invalid_grant' });
    }
    expect(await storedAccessTokens(server, other.instanceId)).toBe(before);
    // Nor does instance 1's token open instance 2's API.
    expect(await apiAttack(victim.access_token, there.user.id, other.baseUrl)).toEqual([401, 401, 401]);
  });
});
