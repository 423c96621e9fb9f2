import { Code, type Client } from '@connectrpc/connect';
import { SessionService } from '@zitadel/proto/zitadel/session/v2/session_service_pb.js';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { InstanceResolver } from '../../src/platform/tenancy/instance-resolver.js';
import { client, codeOf, rest } from '../support/clients.js';
import { insertIdpTemplate } from '../support/idp-templates.js';
import { machineWithRoles } from '../support/principals.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { Browser, signInUpstream, startUpstream, type Upstream } from './upstream.js';

const SUCCESS = 'https://app.example.com/idp/success';
const FAILURE = 'https://app.example.com/idp/failure';

let server: TestServer;
let upstream: Upstream;
let users: Client<typeof UserService>;
let sessions: Client<typeof SessionService>;
let idpId: string;
let callbackUrl: string;

beforeAll(async () => {
  upstream = await startUpstream();
  server = await bootTestServer({ PORTCULLIS_OUTBOUND_ALLOW_PRIVATE: 'true' });
  callbackUrl = `${server.baseUrl}/idps/callback`;
  upstream.configure([
    {
      client_id: 'oidc-client',
      client_secret: 'oidc-client-secret',
      redirect_uris: [callbackUrl],
      token_endpoint_auth_method: 'client_secret_post',
    },
  ]);
  const instance = await server.app.get(InstanceResolver).resolve('127.0.0.1');
  idpId = (
    await insertIdpTemplate(server, {
      instanceId: instance.id,
      config: {
        kind: 'oidc',
        issuer: upstream.issuer,
        clientId: 'oidc-client',
        scopes: ['openid', 'profile', 'email'],
        isIdTokenMapping: false,
        usePkce: false,
      },
      secrets: { clientSecret: 'oidc-client-secret' },
    })
  ).id;
  users = client(UserService, 'grpc', server.baseUrl, server.adminPat);
  // ZITADEL's login runs as a login client (IAM_LOGIN_CLIENT) for the intents and sessions.
  const { pat } = await machineWithRoles(server, instance.defaultOrgId!, {
    level: 'instance',
    resourceId: instance.id,
    roles: ['IAM_LOGIN_CLIENT'],
  });
  sessions = client(SessionService, 'grpc', server.baseUrl, pat);
}, 60_000);

afterAll(async () => {
  await server?.close();
  await upstream?.close();
});

/** Start → sign in at the upstream as `login` → /idps/callback → the success URL's id, token and user. */
async function signIn(login: string): Promise<{ id: string; token: string; user: string | null }> {
  const started = await users.startIdentityProviderIntent({
    idpId,
    content: { case: 'urls', value: { successUrl: SUCCESS, failureUrl: FAILURE } },
  });
  if (started.nextStep.case !== 'authUrl') throw new Error(`expected an authUrl, got ${started.nextStep.case}`);
  const browser = new Browser();
  const arrival = await signInUpstream(browser, started.nextStep.value, callbackUrl, { login });
  const back = await browser.fetch(
    arrival.url,
    arrival.method === 'POST' ? { method: 'POST', body: arrival.form } : undefined,
  );
  const to = new URL(back.headers.get('location')!);
  expect(to.origin + to.pathname).toBe(SUCCESS);
  return { id: to.searchParams.get('id')!, token: to.searchParams.get('token')!, user: to.searchParams.get('user') };
}

describe('signing in through an upstream OIDC provider, as ZITADEL’s login does it with the API', () => {
  it('registers the upstream identity with AddHumanUser idp_links, then signs the user in with the intent', async () => {
    const login = `carol${Date.now().toString(36)}`;
    // 1. Unknown upstream identity: the intent names no user; its information prefills the registration.
    const first = await signIn(login);
    expect(first.user).toBeNull();
    const retrieved = await users.retrieveIdentityProviderIntent({
      idpIntentId: first.id,
      idpIntentToken: first.token,
    });
    expect(retrieved.addHumanUser?.idpLinks).toEqual([
      expect.objectContaining({ idpId, userId: login, userName: `${login}-user` }),
    ]);
    const { userId } = await users.addHumanUser(retrieved.addHumanUser!);
    expect((await users.listIDPLinks({ userId })).result).toEqual([
      expect.objectContaining({ idpId, userId: login, userName: `${login}-user` }),
    ]);

    // 2. The same intent now signs the new user in: it names no user, but the identity is linked.
    const created = await sessions.createSession({
      checks: {
        user: { search: { case: 'userId', value: userId } },
        idpIntent: { idpIntentId: first.id, idpIntentToken: first.token },
      },
    });
    const me = await rest(server.baseUrl, 'GET', '/auth/v1/users/me', { token: created.sessionToken });
    expect(me.status).toBe(200);
    expect(me.body.user.id).toBe(userId);

    // 3. The next sign-in names the linked user at the success URL, and checks a new session.
    const second = await signIn(login);
    expect(second.user).toBe(userId);
    const again = await sessions.createSession({
      checks: {
        user: { search: { case: 'userId', value: second.user! } },
        idpIntent: { idpIntentId: second.id, idpIntentToken: second.token },
      },
    });
    const { session } = await sessions.getSession({ sessionId: again.sessionId });
    expect(session?.factors?.intent?.verifiedAt).toBeDefined();
    expect(session?.factors?.user?.id).toBe(userId);

    // 4. Once the link is removed, an intent of that identity signs no one in.
    await users.removeIDPLink({ userId, idpId, linkedUserId: login });
    const third = await signIn(login);
    expect(third.user).toBeNull();
    expect(
      await codeOf(
        sessions.createSession({
          checks: {
            user: { search: { case: 'userId', value: userId } },
            idpIntent: { idpIntentId: third.id, idpIntentToken: third.token },
          },
        }),
      ),
    ).toBe(Code.FailedPrecondition);
  });
});
