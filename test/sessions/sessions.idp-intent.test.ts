import { Code } from '@connectrpc/connect';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { SessionService } from '@zitadel/proto/zitadel/session/v2/session_service_pb.js';
import { SessionService as SessionServiceV2beta } from '@zitadel/proto/zitadel/session/v2beta/session_service_pb.js';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { IntentStore } from '../../src/idps/intents.store.js';
import { hashToken, MasterKey, randomToken } from '../../src/platform/crypto/master-key.js';
import { Transactions } from '../../src/platform/database/transactions.js';
import { IdGenerator } from '../../src/platform/ids/id-generator.js';
import { SESSION_ERRORS } from '../../src/sessions/sessions.errors.js';
import { client, rest } from '../support/clients.js';
import { insertIdpTemplate, OFFLINE_OIDC_CONFIG } from '../support/idp-templates.js';
import { factories } from '../support/factories.js';
import { otherInstance } from '../support/instances.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { managementV1 } from '../support/v1-clients.js';
import { PASSWORD, addHuman, errorOf, instanceIdOf, loginClient } from './support/sessions.js';

let server: TestServer;
let loginPat: string;
let instanceId: string;
let idpId: string;

beforeAll(async () => {
  server = await bootTestServer();
  loginPat = await loginClient(server);
  instanceId = await instanceIdOf(server);
  idpId = (await insertIdpTemplate(server, { instanceId, config: OFFLINE_OIDC_CONFIG })).id;
}, 60_000);
afterAll(() => server?.close());

const sessions = () => client(SessionService, 'grpc', server.baseUrl, loginPat);
const users = () => client(UserService, 'grpc', server.baseUrl, server.adminPat);
let n = 0;

/**
 * An intent that succeeded at the upstream, written through the intents' store as the callback
 * leaves it: the upstream identity, the user it was linked to then (if any) and the token's hash.
 */
async function succeededIntent(options: {
  externalUserId: string;
  userId?: string;
  instance?: string;
  provider?: string;
  expiresInMs?: number;
}): Promise<{ id: string; token: string }> {
  const id = server.app.get(IdGenerator).next();
  const token = randomToken(32);
  const now = new Date();
  const expiresAt = new Date(now.getTime() + (options.expiresInMs ?? 600_000));
  const key = { instanceId: options.instance ?? instanceId, id };
  const store = server.app.get(IntentStore);
  await server.app.get(Transactions).run(async (tx) => {
    await store.insert(tx, {
      ...key,
      idpId: options.provider ?? idpId,
      successUrl: 'https://app.example.com/idp/success',
      failureUrl: 'https://app.example.com/idp/failure',
      sealedFlowState: null,
      now,
      expiresAt,
    });
    const succeeded = await store.succeed(tx, key, {
      sealedInformation: server.app.get(MasterKey).encrypt(JSON.stringify({ userName: options.externalUserId })),
      externalUserId: options.externalUserId,
      userId: options.userId ?? null,
      tokenHash: hashToken(token),
      now,
      expiresAt,
    });
    if (!succeeded) throw new Error('the intent did not succeed');
  });
  return { id, token };
}

const idpIntent = (intent: { id: string; token: string }) => ({
  idpIntentId: intent.id,
  idpIntentToken: intent.token,
});
const byId = (userId: string) => ({ search: { case: 'userId' as const, value: userId } });

describe('the idpIntent check of CreateSession and SetSession (ZITADEL CheckIntent)', () => {
  it('checks a succeeded intent of the session’s user: factor intent with its time, a first factor, used up', async () => {
    const { userId } = await addHuman(server);
    const intent = await succeededIntent({ externalUserId: `ext-${n++}`, userId });
    const before = Date.now() - 1000;
    const created = await sessions().createSession({ checks: { user: byId(userId), idpIntent: idpIntent(intent) } });
    const { session } = await sessions().getSession({ sessionId: created.sessionId });
    const verifiedAt = session?.factors?.intent?.verifiedAt;
    expect(verifiedAt).toBeDefined();
    expect(timestampDate(verifiedAt!).getTime()).toBeGreaterThanOrEqual(before);
    expect(session?.factors?.password).toBeUndefined();

    // The login rules count it as a first factor: the session token signs its user in.
    const me = await rest(server.baseUrl, 'GET', '/auth/v1/users/me', { token: created.sessionToken });
    expect(me.status).toBe(200);
    expect(me.body.user.id).toBe(userId);

    const [row] = await server.database.dataSource.query(
      `SELECT count(*)::int AS count FROM events WHERE aggregate_type = 'session' AND aggregate_id = $1
         AND event_type = 'session.intent.checked'`,
      [created.sessionId],
    );
    expect(row.count).toBe(1);

    // An intent signs in once (ZITADEL: idpintent.consumed).
    const again = await errorOf(
      sessions().createSession({ checks: { user: byId(userId), idpIntent: idpIntent(intent) } }),
    );
    expect(again.code).toBe(Code.FailedPrecondition);
  });

  it('without a user on the intent, the session’s user must be linked to its upstream identity (SetSession)', async () => {
    const { userId } = await addHuman(server);
    const externalUserId = `ext-${n++}`;
    await users().addIDPLink({ userId, idpLink: { idpId, userId: externalUserId, userName: 'linked' } });
    const intent = await succeededIntent({ externalUserId });
    const created = await sessions().createSession({ checks: { user: byId(userId) } });
    const unsigned = await rest(server.baseUrl, 'GET', '/auth/v1/users/me', { token: created.sessionToken });
    expect(unsigned.status).toBe(401);
    const set = await sessions().setSession({
      sessionId: created.sessionId,
      sessionToken: created.sessionToken,
      checks: { idpIntent: idpIntent(intent) },
    });
    const { session } = await sessions().getSession({ sessionId: created.sessionId });
    expect(session?.factors?.intent?.verifiedAt).toBeDefined();
    expect((await rest(server.baseUrl, 'GET', '/auth/v1/users/me', { token: set.sessionToken })).status).toBe(200);
  });

  it('refuses another user’s intent (FAILED_PRECONDITION, ZITADEL Errors.Intent.OtherUser) and leaves it usable', async () => {
    const { userId: owner } = await addHuman(server);
    const { userId: other } = await addHuman(server);
    const intent = await succeededIntent({ externalUserId: `ext-${n++}`, userId: owner });
    const refused = await errorOf(
      sessions().createSession({ checks: { user: byId(other), idpIntent: idpIntent(intent) } }),
    );
    expect(refused.code).toBe(Code.FailedPrecondition);
    expect(refused.rawMessage).toContain(SESSION_ERRORS.intentOtherUser);
    // Nothing was written: the intent still signs its own user in.
    await sessions().createSession({ checks: { user: byId(owner), idpIntent: idpIntent(intent) } });

    // An intent whose identity is linked to no one signs in no one.
    const unlinked = await succeededIntent({ externalUserId: `ext-${n++}` });
    const nobody = await errorOf(
      sessions().createSession({ checks: { user: byId(other), idpIntent: idpIntent(unlinked) } }),
    );
    expect(nobody.code).toBe(Code.FailedPrecondition);
    expect(nobody.rawMessage).toContain(SESSION_ERRORS.intentOtherUser);
  });

  it('refuses a wrong token, an unknown intent, and a token of another intent, leaving the intent usable', async () => {
    const { userId } = await addHuman(server);
    const intent = await succeededIntent({ externalUserId: `ext-${n++}`, userId });
    const other = await succeededIntent({ externalUserId: `ext-${n++}`, userId });
    const wrong = await errorOf(
      sessions().createSession({
        checks: { user: byId(userId), idpIntent: { ...idpIntent(intent), idpIntentToken: 'x' } },
      }),
    );
    expect(wrong.code).toBe(Code.InvalidArgument);
    const swapped = await errorOf(
      sessions().createSession({
        checks: { user: byId(userId), idpIntent: { idpIntentId: intent.id, idpIntentToken: other.token } },
      }),
    );
    expect(swapped.code).toBe(Code.InvalidArgument);
    const unknown = await errorOf(
      sessions().createSession({
        checks: { user: byId(userId), idpIntent: { idpIntentId: '999999999999999999', idpIntentToken: intent.token } },
      }),
    );
    expect(unknown.code).toBe(Code.InvalidArgument);
    await sessions().createSession({ checks: { user: byId(userId), idpIntent: idpIntent(intent) } });
  });

  it('refuses an expired intent (ZITADEL Errors.Intent.Expired)', async () => {
    const { userId } = await addHuman(server);
    const intent = await succeededIntent({ externalUserId: `ext-${n++}`, userId, expiresInMs: -1000 });
    const expired = await errorOf(
      sessions().createSession({ checks: { user: byId(userId), idpIntent: idpIntent(intent) } }),
    );
    expect(expired.code).toBe(Code.FailedPrecondition);
  });

  it('is served by v2beta’s CreateSession through the bridge', async () => {
    const { userId } = await addHuman(server);
    const intent = await succeededIntent({ externalUserId: `ext-${n++}`, userId });
    const beta = client(SessionServiceV2beta, 'connect-h1', server.baseUrl, loginPat);
    const created = await beta.createSession({ checks: { user: byId(userId), idpIntent: idpIntent(intent) } });
    const { session } = await beta.getSession({ sessionId: created.sessionId });
    expect(session?.factors?.intent?.verifiedAt).toBeDefined();
  });

  it('needs the session’s user first (ZITADEL COMMAND-Sfw3r)', async () => {
    const { userId } = await addHuman(server);
    const intent = await succeededIntent({ externalUserId: `ext-${n++}`, userId });
    const missing = await errorOf(sessions().createSession({ checks: { idpIntent: idpIntent(intent) } }));
    expect(missing.code).toBe(Code.FailedPrecondition);
    expect(missing.rawMessage).toContain('checks.idp_intent');
  });

  it("forceMfaLocalOnly asks no second factor of a sign-in through the provider (ZITADEL's RequiresMFA)", async () => {
    const orgId = await factories(server).org();
    const mgmt = managementV1(server.baseUrl, server.adminPat, orgId);
    await mgmt.addCustomLoginPolicy({
      allowUsernamePassword: true,
      allowExternalIdp: true,
      forceMfaLocalOnly: true,
      secondFactors: [1],
      passwordCheckLifetime: { seconds: 864000 },
    });
    const { userId } = await addHuman(server, { orgId });
    const intent = await succeededIntent({ externalUserId: `ext-${n++}`, userId });
    const external = await sessions().createSession({ checks: { user: byId(userId), idpIntent: idpIntent(intent) } });
    const local = await sessions().createSession({ checks: { user: byId(userId), password: { password: PASSWORD } } });
    // GetMyEmail is no step of an MFA set-up: only a full sign-in may call it.
    const email = (token: string) => rest(server.baseUrl, 'GET', '/auth/v1/users/me/email', { token });
    expect((await email(external.sessionToken)).status).toBe(200);
    expect((await email(local.sessionToken)).status).toBe(403);
  });

  it('does not take an intent of another instance', async () => {
    const other = await otherInstance(server);
    const theirIdp = await insertIdpTemplate(server, { instanceId: other.instanceId, config: OFFLINE_OIDC_CONFIG });
    const { userId } = await addHuman(server);
    const theirs = await succeededIntent({
      externalUserId: `ext-${n++}`,
      userId,
      instance: other.instanceId,
      provider: theirIdp.id,
    });
    const refused = await errorOf(
      sessions().createSession({ checks: { user: byId(userId), idpIntent: idpIntent(theirs) } }),
    );
    expect(refused.code).toBe(Code.InvalidArgument);
  });
});
