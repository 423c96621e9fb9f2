// Sign-in intents through an LDAP provider, end to end: StartIdentityProviderIntent with LDAP
// credentials through @zitadel/client checks them against an ldapjs directory at once and answers
// the intent (ZITADEL's idpIntent next step); RetrieveIdentityProviderIntent returns the entry.
import { Code, ConnectError, type Client } from '@connectrpc/connect';
import { SessionService } from '@zitadel/proto/zitadel/session/v2/session_service_pb.js';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { DataSource } from 'typeorm';
import type { ConfigOf, IdpTemplate } from '../../src/idps/idp-config.js';
import { LDAP_ERRORS } from '../../src/idps/connectors/ldap.errors.js';
import { INTENT_ERRORS } from '../../src/idps/intents.errors.js';
import { InstanceResolver } from '../../src/platform/tenancy/instance-resolver.js';
import { client } from '../support/clients.js';
import { factories } from '../support/factories.js';
import { insertIdpTemplate } from '../support/idp-templates.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { adminV1 } from '../support/v1-clients.js';
import { OPTIONS } from './idp-test-helpers.js';
import {
  LDAP_BASE,
  LDAP_PERSON_ATTRIBUTES,
  LDAP_SERVICE,
  ldapConfigFor,
  startUpstreamLdap,
  type UpstreamLdap,
} from '../support/upstream-ldap.js';

let server: TestServer;
let users: Client<typeof UserService>;
let instanceId: string;
let orgId: string;
let dir: UpstreamLdap;

beforeAll(async () => {
  dir = await startUpstreamLdap();
  // The directory runs on 127.0.0.1: the operator allows private addresses for it.
  server = await bootTestServer({ PORTCULLIS_OUTBOUND_ALLOW_PRIVATE: 'true' });
  users = client(UserService, 'grpc', server.baseUrl, server.adminPat);
  const instance = await server.app.get(InstanceResolver).resolve('127.0.0.1');
  instanceId = instance.id;
  orgId = instance.defaultOrgId!;
}, 60_000);
afterAll(async () => {
  await server?.close();
  await dir?.close();
});

function ldapProvider(config: Partial<ConfigOf<'ldap'>> = {}, bindPassword = LDAP_SERVICE.password) {
  return insertIdpTemplate(server, {
    instanceId,
    config: ldapConfigFor(dir, config),
    secrets: { bindPassword },
  });
}

const startLdap = (idp: IdpTemplate, username: string, password: string) =>
  users.startIdentityProviderIntent({ idpId: idp.id, content: { case: 'ldap', value: { username, password } } });

async function refusal(call: Promise<unknown>): Promise<ConnectError> {
  return call.then(
    () => {
      throw new Error('expected a refusal');
    },
    (err: unknown) => ConnectError.from(err),
  );
}

describe('LDAP sign-in intents', () => {
  it('checks the credentials at once and answers the intent; Retrieve returns the LDAP attributes and the profile', async () => {
    const idp = await ldapProvider();
    const res = await startLdap(idp, 'alice@example.org', 'alice-pw');
    expect(res.nextStep.case).toBe('idpIntent');
    if (res.nextStep.case !== 'idpIntent') return;
    const { idpIntentId, idpIntentToken, userId } = res.nextStep.value;
    expect(userId).toBe('');
    expect(idpIntentToken.length).toBeGreaterThan(20);

    const got = await users.retrieveIdentityProviderIntent({ idpIntentId, idpIntentToken });
    expect(got.idpInformation?.idpId).toBe(idp.id);
    expect(got.idpInformation?.userId).toBe('alice');
    expect(got.idpInformation?.userName).toBe('alice');
    expect(got.idpInformation?.access.case).toBe('ldap');
    if (got.idpInformation?.access.case === 'ldap') {
      expect(got.idpInformation.access.value.attributes).toMatchObject({
        uid: ['alice'],
        mail: ['alice@example.org'],
        cn: ['Alice Liddell'],
      });
    }
    expect(got.addHumanUser?.profile).toMatchObject({ givenName: 'Alice', familyName: 'Liddell' });
    // emailVerified is TRUE in the directory: the suggested user's email is verified.
    expect(got.addHumanUser?.email?.verification).toEqual({ case: 'isVerified', value: true });
  });

  it('a provider added through admin v1 AddLDAPProvider (bind password sealed, timeout as a duration) signs in', async () => {
    const { id } = await adminV1(server.baseUrl, server.adminPat).addLDAPProvider({
      name: 'Directory',
      servers: [dir.url],
      startTls: false,
      baseDn: LDAP_BASE,
      bindDn: LDAP_SERVICE.dn,
      bindPassword: LDAP_SERVICE.password,
      userBase: 'dn',
      userObjectClasses: ['inetOrgPerson'],
      userFilters: ['uid'],
      timeout: { seconds: 5, nanos: 0 },
      attributes: LDAP_PERSON_ATTRIBUTES,
      providerOptions: OPTIONS,
    });
    const res = await startLdap({ id } as IdpTemplate, 'alice', 'alice-pw');
    if (res.nextStep.case !== 'idpIntent') throw new Error(`expected the intent, got ${res.nextStep.case}`);
    const { idpIntentId, idpIntentToken } = res.nextStep.value;
    const got = await users.retrieveIdentityProviderIntent({ idpIntentId, idpIntentToken });
    expect(got.idpInformation?.userId).toBe('alice');
  });

  it('names the linked user in the answer', async () => {
    const idp = await ldapProvider();
    const userId = await factories(server).human(orgId);
    await server.app.get(DataSource).query(
      `INSERT INTO idp_links (instance_id, idp_id, external_user_id, external_user_name, user_id, created_at)
       VALUES ($1, $2, 'bob', 'bob', $3, now())`,
      [instanceId, idp.id, userId],
    );
    const res = await startLdap(idp, 'bob', 'bob-pw');
    expect(res.nextStep.case === 'idpIntent' && res.nextStep.value.userId).toBe(userId);
  });

  it('the API flow as ZITADEL’s login runs it: an unlinked entry is registered with Retrieve’s addHumanUser (idp_links), another is linked to an existing user with AddIDPLink; each intent then signs its user in', async () => {
    const idp = await ldapProvider();
    const sessions = client(SessionService, 'grpc', server.baseUrl, server.adminPat);
    const intentOf = async (username: string, password: string) => {
      const res = await startLdap(idp, username, password);
      if (res.nextStep.case !== 'idpIntent') throw new Error(`expected the intent, got ${res.nextStep.case}`);
      return res.nextStep.value;
    };
    const signsIn = async (userId: string, intent: { idpIntentId: string; idpIntentToken: string }) => {
      const created = await sessions.createSession({
        checks: {
          user: { search: { case: 'userId', value: userId } },
          idpIntent: { idpIntentId: intent.idpIntentId, idpIntentToken: intent.idpIntentToken },
        },
      });
      const { session } = await sessions.getSession({ sessionId: created.sessionId });
      expect(session?.factors?.user?.id).toBe(userId);
      expect(session?.factors?.intent?.verifiedAt).toBeDefined();
    };

    // Creation: the suggested user carries the entry's profile and the link to it.
    const first = await intentOf('alice', 'alice-pw');
    expect(first.userId).toBe('');
    const got = await users.retrieveIdentityProviderIntent({
      idpIntentId: first.idpIntentId,
      idpIntentToken: first.idpIntentToken,
    });
    expect(got.addHumanUser?.profile).toMatchObject({ givenName: 'Alice', familyName: 'Liddell' });
    expect(got.addHumanUser?.idpLinks).toEqual([
      expect.objectContaining({ idpId: idp.id, userId: 'alice', userName: 'alice' }),
    ]);
    const { userId } = await users.addHumanUser(got.addHumanUser!);
    await signsIn(userId, first);
    expect((await intentOf('alice', 'alice-pw')).userId).toBe(userId);

    // Linking: the entry's id and name from idpInformation, on a user that exists already.
    const existing = await factories(server).human(orgId);
    const unlinked = await intentOf('bob', 'bob-pw');
    const info = (
      await users.retrieveIdentityProviderIntent({
        idpIntentId: unlinked.idpIntentId,
        idpIntentToken: unlinked.idpIntentToken,
      })
    ).idpInformation!;
    await users.addIDPLink({
      userId: existing,
      idpLink: { idpId: info.idpId, userId: info.userId, userName: info.userName },
    });
    const linked = await intentOf('bob', 'bob-pw');
    expect(linked.userId).toBe(existing);
    await signsIn(existing, linked);
  });

  it('the intent of a linked user signs a session in once (CreateSession idpIntent check, factor intent)', async () => {
    const idp = await ldapProvider();
    const userId = await factories(server).human(orgId);
    await server.app.get(DataSource).query(
      `INSERT INTO idp_links (instance_id, idp_id, external_user_id, external_user_name, user_id, created_at)
       VALUES ($1, $2, 'alice', 'alice', $3, now())`,
      [instanceId, idp.id, userId],
    );
    const res = await startLdap(idp, 'alice', 'alice-pw');
    if (res.nextStep.case !== 'idpIntent') throw new Error(`expected the intent, got ${res.nextStep.case}`);
    const { idpIntentId, idpIntentToken } = res.nextStep.value;
    const sessions = client(SessionService, 'grpc', server.baseUrl, server.adminPat);
    const checks = {
      user: { search: { case: 'userId' as const, value: userId } },
      idpIntent: { idpIntentId, idpIntentToken },
    };
    const created = await sessions.createSession({ checks });
    const { session } = await sessions.getSession({ sessionId: created.sessionId });
    expect(session?.factors?.user?.id).toBe(userId);
    expect(session?.factors?.intent?.verifiedAt).toBeDefined();
    const again = await refusal(sessions.createSession({ checks }));
    expect(again.code).toBe(Code.FailedPrecondition);
  });

  it.each([
    ['a wrong password', 'alice', 'wrong'],
    ['an unknown user', 'mallory', 'alice-pw'],
    ['a wildcard username (LDAP injection)', '*', 'alice-pw'],
    ['a filter-breaking username (LDAP injection)', 'x)(uid=*', 'alice-pw'],
  ])('refuses %s with the one InvalidArgument LoginFailed, and the intent fails', async (_what, username, password) => {
    const idp = await ldapProvider();
    const err = await refusal(startLdap(idp, username, password));
    expect(err.code).toBe(Code.InvalidArgument);
    expect(err.rawMessage).toContain(`(${INTENT_ERRORS.loginFailed})`);
    expect(err.rawMessage).not.toMatch(/password|unknown|not found/i);
    const rows: { state: string }[] = await server.app
      .get(DataSource)
      .query(`SELECT state FROM idp_intents WHERE idp_id = $1`, [idp.id]);
    expect(rows).toEqual([{ state: 'failed' }]);
  });

  it("refuses an empty password by the request's validation (ZITADEL's proto rules), the directory unasked", async () => {
    const idp = await ldapProvider();
    const binds = dir.binds.length;
    const err = await refusal(startLdap(idp, 'alice', ''));
    expect(err.code).toBe(Code.InvalidArgument);
    expect(err.rawMessage).toContain('ldap.password');
    expect(dir.binds.length).toBe(binds);
  });

  it('answers Unavailable when no server can be used', async () => {
    const idp = await ldapProvider({}, 'not-the-service-password');
    const err = await refusal(startLdap(idp, 'alice', 'alice-pw'));
    expect(err.code).toBe(Code.Unavailable);
    expect(err.rawMessage).toContain(`(${LDAP_ERRORS.unreachable})`);
  });

  it('takes credentials, not redirect URLs (ZITADEL: IDPTypeNotImplemented)', async () => {
    const idp = await ldapProvider();
    const err = await refusal(
      users.startIdentityProviderIntent({
        idpId: idp.id,
        content: { case: 'urls', value: { successUrl: 'https://a.test/ok', failureUrl: 'https://a.test/no' } },
      }),
    );
    expect(err.code).toBe(Code.InvalidArgument);
    expect(err.rawMessage).toContain(`(${INTENT_ERRORS.wrongFlow})`);
  });
});
