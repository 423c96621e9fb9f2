import { jest } from '@jest/globals';
import { Code } from '@connectrpc/connect';
import type { JsonObject } from '@bufbuild/protobuf';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { UserVerificationRequirement } from '@zitadel/proto/zitadel/session/v2/challenge_pb.js';
import { SessionService } from '@zitadel/proto/zitadel/session/v2/session_service_pb.js';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { OTP_RETURN_DENIED_ID } from '../../src/sessions/sessions.errors.js';
import { client } from '../support/clients.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import {
  PASSWORD,
  addHuman,
  appCode,
  assertWith,
  codeOf,
  errorOf,
  localOrigin,
  defaultOrgOf,
  loginClient,
  patFor,
  withTotp,
  withWebAuthn,
  wrongCode,
} from './support/sessions.js';
import { SESSION_ERRORS } from '../../src/sessions/sessions.errors.js';

let server: TestServer;
let loginPat: string;
beforeAll(async () => {
  server = await bootTestServer();
  loginPat = await loginClient(server);
});
afterAll(() => server?.close());

const asJson = (value: object) => value as JsonObject;
const at = (t: { seconds: bigint; nanos: number } | undefined) => (t ? timestampDate(t as never).getTime() : undefined);

describe.each(['grpc', 'connect-h1'] as const)('session checks over %s', (transport) => {
  const sessions = () => client(SessionService, transport, server.baseUrl, loginPat);

  it('creates a session with a user (by login name) and password check, and reads the factors back', async () => {
    const { userId, username } = await addHuman(server);
    const before = Date.now() - 1000;
    const created = await sessions().createSession({
      checks: {
        user: { search: { case: 'loginName', value: username.toUpperCase() } },
        password: { password: PASSWORD },
      },
      metadata: { app: new TextEncoder().encode('portal') },
      userAgent: {
        fingerprintId: 'fp-1',
        ip: '203.0.113.9',
        description: 'Firefox on Linux',
        header: { 'accept-language': { values: ['de-CH', 'en'] } },
      },
      lifetime: { seconds: 3600n, nanos: 0 },
    });
    expect(created.sessionId).toMatch(/^\d{18}$/);
    expect(created.sessionToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(created.details?.sequence).toBeGreaterThan(0n);
    expect(created.challenges).toBeUndefined();

    const { session } = await sessions().getSession({ sessionId: created.sessionId });
    expect(session?.id).toBe(created.sessionId);
    expect(session?.factors?.user).toMatchObject({ id: userId, loginName: username, displayName: 'Mia Factor' });
    expect(session?.factors?.user?.organizationId).toMatch(/^\d{18}$/);
    const userAt = at(session?.factors?.user?.verifiedAt)!;
    const passwordAt = at(session?.factors?.password?.verifiedAt)!;
    expect(userAt).toBeGreaterThanOrEqual(before);
    expect(passwordAt).toBeGreaterThanOrEqual(before);
    expect(session?.factors?.totp).toBeUndefined();
    expect(session?.factors?.webAuthN).toBeUndefined();
    expect(new TextDecoder().decode(session?.metadata.app)).toBe('portal');
    expect(session?.userAgent).toMatchObject({
      fingerprintId: 'fp-1',
      ip: '203.0.113.9',
      description: 'Firefox on Linux',
    });
    expect(session?.userAgent?.header['accept-language'].values).toEqual(['de-CH', 'en']);
    const expiresIn = at(session?.expirationDate)! - Date.now();
    expect(expiresIn).toBeGreaterThan(3500_000);
    expect(expiresIn).toBeLessThanOrEqual(3600_000);
    expect(session?.sequence).toBe(created.details?.sequence);
  });

  it('checks by user id, refuses a wrong password, another user and a stale token', async () => {
    const { userId } = await addHuman(server);
    const other = await addHuman(server);
    const created = await sessions().createSession({ checks: { user: { search: { case: 'userId', value: userId } } } });
    const { session } = await sessions().getSession({ sessionId: created.sessionId });
    expect(session?.factors?.user?.id).toBe(userId);
    expect(session?.factors?.password).toBeUndefined();

    const wrong = await errorOf(
      sessions().setSession({
        sessionId: created.sessionId,
        sessionToken: created.sessionToken,
        checks: { password: { password: 'nope' } },
      }),
    );
    expect(wrong.code).toBe(Code.InvalidArgument);
    expect(wrong.rawMessage).toContain(SESSION_ERRORS.passwordInvalid);

    const change = await errorOf(
      sessions().setSession({
        sessionId: created.sessionId,
        sessionToken: created.sessionToken,
        checks: { user: { search: { case: 'userId', value: other.userId } } },
      }),
    );
    expect(change.code).toBe(Code.InvalidArgument);

    const set = await sessions().setSession({
      sessionId: created.sessionId,
      sessionToken: created.sessionToken,
      checks: { password: { password: PASSWORD } },
    });
    expect(set.sessionToken).not.toBe(created.sessionToken);
    // The previous token stops working with every change.
    expect(
      await codeOf(sessions().setSession({ sessionId: created.sessionId, sessionToken: created.sessionToken })),
    ).toBe(Code.PermissionDenied);
    const again = await sessions().setSession({
      sessionId: created.sessionId,
      sessionToken: set.sessionToken,
      metadata: { k: new Uint8Array([1]) },
    });
    expect(again.details?.sequence).toBeGreaterThan(set.details!.sequence);
    const { session: after } = await sessions().getSession({
      sessionId: created.sessionId,
      sessionToken: again.sessionToken,
    });
    expect(after?.factors?.password?.verifiedAt).toBeDefined();
    expect(after?.metadata.k).toEqual(new Uint8Array([1]));
  });

  it('adds a TOTP check with a code from the secret', async () => {
    const { userId } = await addHuman(server);
    const secret = await withTotp(server, userId);
    const created = await sessions().createSession({
      checks: { user: { search: { case: 'userId', value: userId } }, password: { password: PASSWORD } },
    });
    const wrong = await errorOf(
      sessions().setSession({
        sessionId: created.sessionId,
        sessionToken: created.sessionToken,
        checks: { totp: { code: wrongCode(secret) } },
      }),
    );
    expect(wrong.code).toBe(Code.InvalidArgument);
    const set = await sessions().setSession({
      sessionId: created.sessionId,
      sessionToken: created.sessionToken,
      checks: { totp: { code: appCode(secret) } },
    });
    const { session } = await sessions().getSession({ sessionId: created.sessionId, sessionToken: set.sessionToken });
    expect(at(session?.factors?.totp?.verifiedAt)).toBeGreaterThanOrEqual(at(session?.factors?.password?.verifiedAt)!);

    const withoutTotp = await addHuman(server);
    const plain = await sessions().createSession({
      checks: { user: { search: { case: 'userId', value: withoutTotp.userId } } },
    });
    expect(
      await codeOf(sessions().setSession({ sessionId: plain.sessionId, checks: { totp: { code: '123456' } } })),
    ).toBe(Code.FailedPrecondition);
  });

  it('challenges and checks a passkey with user verification, and keeps the sign counter', async () => {
    const { userId } = await addHuman(server);
    const authenticator = await withWebAuthn(server, userId, 'passkey');
    const created = await sessions().createSession({
      checks: { user: { search: { case: 'userId', value: userId } } },
      challenges: {
        webAuthN: { domain: 'localhost', userVerificationRequirement: UserVerificationRequirement.REQUIRED },
      },
    });
    const options = created.challenges?.webAuthN?.publicKeyCredentialRequestOptions as {
      publicKey: { rpId: string; challenge: string; userVerification: string; allowCredentials: { id: string }[] };
    };
    expect(options.publicKey).toMatchObject({ rpId: 'localhost', userVerification: 'required' });
    expect(options.publicKey.allowCredentials.map((c) => c.id)).toEqual([...authenticator.credentials.keys()]);

    const assertion = assertWith(authenticator, true, options, localOrigin(server));
    const set = await sessions().setSession({
      sessionId: created.sessionId,
      sessionToken: created.sessionToken,
      checks: { webAuthN: { credentialAssertionData: asJson(assertion) } },
    });
    const { session } = await sessions().getSession({ sessionId: created.sessionId, sessionToken: set.sessionToken });
    expect(session?.factors?.webAuthN?.userVerified).toBe(true);
    expect(at(session?.factors?.webAuthN?.verifiedAt)).toBeGreaterThan(0);
    const [stored] = await server.database.dataSource.query(
      `SELECT sign_count FROM user_webauthn_credentials WHERE user_id = $1 AND state = 'ready'`,
      [userId],
    );
    expect(stored.sign_count).toBe('1');

    // The challenge is used up: the same assertion again, or any, needs a new challenge.
    expect(
      await codeOf(
        sessions().setSession({
          sessionId: created.sessionId,
          checks: { webAuthN: { credentialAssertionData: asJson(assertion) } },
        }),
      ),
    ).toBe(Code.FailedPrecondition);
  });

  it('checks a U2F key without user verification, and refuses forged assertions', async () => {
    const { userId } = await addHuman(server);
    const authenticator = await withWebAuthn(server, userId, 'u2f');
    const challenge = async () => {
      const r = await sessions().createSession({
        checks: { user: { search: { case: 'userId', value: userId } }, password: { password: PASSWORD } },
        challenges: {
          webAuthN: { domain: 'localhost', userVerificationRequirement: UserVerificationRequirement.DISCOURAGED },
        },
      });
      return { ...r, options: r.challenges?.webAuthN?.publicKeyCredentialRequestOptions };
    };
    const check = (s: { sessionId: string }, assertion: object) =>
      sessions().setSession({
        sessionId: s.sessionId,
        checks: { webAuthN: { credentialAssertionData: asJson(assertion) } },
      });

    const ok = await challenge();
    await check(ok, assertWith(authenticator, false, ok.options, localOrigin(server)));
    const { session } = await sessions().getSession({ sessionId: ok.sessionId });
    expect(session?.factors?.webAuthN).toMatchObject({ userVerified: false });

    const otherChallenge = await challenge();
    const forged = await errorOf(
      check(
        otherChallenge,
        assertWith(authenticator, false, otherChallenge.options, localOrigin(server), {
          challenge: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
        }),
      ),
    );
    expect(forged.code).toBe(Code.InvalidArgument);
    const foreign = await challenge();
    expect(
      await codeOf(check(foreign, assertWith(authenticator, false, foreign.options, 'https://evil.example.com'))),
    ).toBe(Code.InvalidArgument);

    // A passkey challenge (user verification required) does not take a U2F key.
    expect(
      await codeOf(
        sessions().createSession({
          checks: { user: { search: { case: 'userId', value: userId } } },
          challenges: {
            webAuthN: { domain: 'localhost', userVerificationRequirement: UserVerificationRequirement.REQUIRED },
          },
        }),
      ),
    ).toBe(Code.FailedPrecondition);
  });

  it('returns OTP SMS and email codes when asked to, and checks them once', async () => {
    const { userId } = await addHuman(server, { phone: '+41791230000' });
    const users = client(UserService, 'grpc', server.baseUrl, server.adminPat);
    await users.addOTPSMS({ userId });
    await users.addOTPEmail({ userId });
    const created = await sessions().createSession({
      checks: { user: { search: { case: 'userId', value: userId } }, password: { password: PASSWORD } },
      challenges: { otpSms: { returnCode: true }, otpEmail: { deliveryType: { case: 'returnCode', value: {} } } },
    });
    expect(created.challenges?.otpSms).toMatch(/^\d{8}$/);
    expect(created.challenges?.otpEmail).toMatch(/^\d{8}$/);
    const wrong = await errorOf(
      sessions().setSession({ sessionId: created.sessionId, checks: { otpSms: { code: '00000000' } } }),
    );
    expect(wrong.code).toBe(Code.InvalidArgument);
    await sessions().setSession({
      sessionId: created.sessionId,
      checks: { otpSms: { code: created.challenges!.otpSms! }, otpEmail: { code: created.challenges!.otpEmail! } },
    });
    const { session } = await sessions().getSession({ sessionId: created.sessionId });
    expect(session?.factors?.otpSms?.verifiedAt).toBeDefined();
    expect(session?.factors?.otpEmail?.verifiedAt).toBeDefined();
    // Used up.
    expect(
      await codeOf(
        sessions().setSession({
          sessionId: created.sessionId,
          checks: { otpSms: { code: created.challenges!.otpSms! } },
        }),
      ),
    ).toBe(Code.FailedPrecondition);

    const noOtp = await addHuman(server);
    expect(
      await codeOf(
        sessions().createSession({
          checks: { user: { search: { case: 'userId', value: noOtp.userId } } },
          challenges: { otpSms: { returnCode: true } },
        }),
      ),
    ).toBe(Code.FailedPrecondition);
  });

  it('refuses to return an OTP code to the user itself or to whoever holds its session token: only a login client (session.write) may have it returned, so the code still proves the phone or mailbox', async () => {
    const victim = await addHuman(server, { phone: '+41791230001' });
    const users = client(UserService, 'grpc', server.baseUrl, server.adminPat);
    await users.addOTPSMS({ userId: victim.userId });
    await users.addOTPEmail({ userId: victim.userId });
    const asVictim = client(
      SessionService,
      'grpc',
      server.baseUrl,
      await patFor(server, { userId: victim.userId, orgId: await defaultOrgOf(server) }),
    );
    const returnEmail = { otpEmail: { deliveryType: { case: 'returnCode' as const, value: {} } } };
    const own = await errorOf(
      asVictim.createSession({
        checks: { user: { search: { case: 'userId', value: victim.userId } }, password: { password: PASSWORD } },
        challenges: returnEmail,
      }),
    );
    expect(own.code).toBe(Code.PermissionDenied);

    // A session the login client made, its token in another user's hands (its own PAT as caller).
    const created = await sessions().createSession({
      checks: { user: { search: { case: 'userId', value: victim.userId } }, password: { password: PASSWORD } },
    });
    const other = await addHuman(server);
    const asOther = client(
      SessionService,
      'grpc',
      server.baseUrl,
      await patFor(server, { userId: other.userId, orgId: await defaultOrgOf(server) }),
    );
    for (const challenges of [returnEmail, { otpSms: { returnCode: true } }]) {
      const stolen = await errorOf(
        asOther.setSession({ sessionId: created.sessionId, sessionToken: created.sessionToken, challenges }),
      );
      expect(stolen.code).toBe(Code.PermissionDenied);
      expect(stolen.rawMessage).toContain(OTP_RETURN_DENIED_ID);
    }
    const { session } = await sessions().getSession({ sessionId: created.sessionId });
    expect(session?.factors?.otpEmail).toBeUndefined();
    // Sent, it stays the user's own business.
    expect(
      await codeOf(
        asOther.setSession({
          sessionId: created.sessionId,
          sessionToken: created.sessionToken,
          challenges: { otpSms: { returnCode: false } },
        }),
      ),
    ).not.toBe(Code.PermissionDenied);
  });

  it('answers FAILED_PRECONDITION for checks without a user, an IdP intent among them', async () => {
    const noUser = await errorOf(
      sessions().createSession({ checks: { idpIntent: { idpIntentId: 'i', idpIntentToken: 't' } } }),
    );
    expect(noUser.code).toBe(Code.FailedPrecondition);
    expect(noUser.rawMessage).toMatch(/checks\.idp_intent/);
    const missing = await errorOf(sessions().createSession({ checks: { password: { password: PASSWORD } } }));
    expect(missing.code).toBe(Code.FailedPrecondition);
    expect(missing.rawMessage).toMatch(/checks\.password/);
    expect(
      await codeOf(
        sessions().createSession({ checks: { user: { search: { case: 'loginName', value: 'nobody-here' } } } }),
      ),
    ).toBe(Code.NotFound);
  });
});

describe('password hashes', () => {
  it('re-hashes a legacy hash with argon2id after a successful check, and records it', async () => {
    const users = client(UserService, 'grpc', server.baseUrl, server.adminPat);
    const username = `legacy${Date.now()}`;
    // bcrypt of "Secr3t!pass", cost 4.
    const { hash } = await import('bcryptjs').then((m) => ({ hash: m.default.hashSync(PASSWORD, 4) }));
    const { userId } = await users.addHumanUser({
      username,
      profile: { givenName: 'Leg', familyName: 'Acy' },
      email: { email: `${username}@example.com`, verification: { case: 'isVerified', value: true } },
      passwordType: { case: 'hashedPassword', value: { hash } },
    });
    const sessions = client(SessionService, 'grpc', server.baseUrl, loginPat);
    await sessions.createSession({
      checks: { user: { search: { case: 'userId', value: userId } }, password: { password: PASSWORD } },
    });
    const [row] = await server.database.dataSource.query('SELECT password_hash FROM users WHERE id = $1', [userId]);
    expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    const events = await server.database.dataSource.query(`SELECT event_type FROM events WHERE aggregate_id = $1`, [
      userId,
    ]);
    expect(events.map((e: { event_type: string }) => e.event_type)).toContain('user.human.password.hash.updated');
    // And the new hash works.
    await sessions.createSession({
      checks: { user: { search: { case: 'userId', value: userId } }, password: { password: PASSWORD } },
    });
  });
});

describe('the session at rest and in the audit trail', () => {
  it('keeps only the hash of the token and of OTP codes, and records the events in order', async () => {
    const { userId } = await addHuman(server, { phone: '+41791239999' });
    await client(UserService, 'grpc', server.baseUrl, server.adminPat).addOTPSMS({ userId });
    const sessions = client(SessionService, 'grpc', server.baseUrl, loginPat);
    const created = await sessions.createSession({
      checks: { user: { search: { case: 'userId', value: userId } }, password: { password: PASSWORD } },
      challenges: { otpSms: { returnCode: true } },
    });
    const [whole] = await server.database.dataSource.query('SELECT s::text AS text FROM sessions s WHERE id = $1', [
      created.sessionId,
    ]);
    expect(whole.text).not.toContain(created.sessionToken);
    expect(whole.text).not.toContain(created.challenges!.otpSms);
    const events = await server.database.dataSource.query(
      `SELECT event_type, payload::text AS payload FROM events WHERE aggregate_type = 'session' AND aggregate_id = $1 ORDER BY sequence`,
      [created.sessionId],
    );
    expect(events.map((e: { event_type: string }) => e.event_type)).toEqual([
      'session.added',
      'session.user.checked',
      'session.password.checked',
      'session.otp.sms.challenged',
      'session.token.set',
    ]);
    for (const e of events) {
      expect(e.payload).not.toContain(created.sessionToken);
      expect(e.payload).not.toContain(created.challenges!.otpSms);
      expect(e.payload).not.toContain(PASSWORD);
    }
  });
});

describe('login throughput', () => {
  it('checks user and password with one argon2id verification and a handful of statements', async () => {
    const { PostgresQueryRunner } = await import('typeorm/driver/postgres/PostgresQueryRunner.js');
    const { PasswordHasher } = await import('../../src/users/passwords.js');
    const { userId, username } = await addHuman(server);
    const sessions = client(SessionService, 'grpc', server.baseUrl, loginPat);
    await sessions.createSession({
      checks: { user: { search: { case: 'userId', value: userId } }, password: { password: PASSWORD } },
    }); // warm caches

    const verify = jest.spyOn(server.app.get(PasswordHasher), 'verify');
    const hash = jest.spyOn(server.app.get(PasswordHasher), 'hash');
    const query = jest.spyOn(PostgresQueryRunner.prototype, 'query');
    try {
      await sessions.createSession({
        checks: { user: { search: { case: 'loginName', value: username } }, password: { password: PASSWORD } },
      });
      // The spy sees the whole process: leave out what background jobs (the outbox worker, the
      // sweepers) may run meanwhile, so a busy machine does not inflate the count.
      const statements = query.mock.calls
        // A prepared statement goes to pg as its config object ({ name, text }).
        .map(([sql]) => (typeof sql === 'string' ? sql : (sql as { text: string }).text).replace(/\s+/g, ' ').trim())
        .filter((s) => !/notification_outbox|action_event_outbox|oidc_payloads|saml_requests|idp_intents/.test(s))
        // A background job's transaction brackets carry no table name to tell them apart.
        .filter((s) => !/^(START TRANSACTION|COMMIT|ROLLBACK)$/i.test(s));
      expect(verify).toHaveBeenCalledTimes(1);
      expect(hash).not.toHaveBeenCalled();
      // The user with its org (authentication and settings come from the caches), then one
      // statement: the session row, its events and the lockout reset together.
      const writes = statements.filter((s) => /\b(INSERT|UPDATE|DELETE)\b/i.test(s));
      expect(writes).toHaveLength(1);
      expect(writes[0]).toMatch(/INSERT INTO sessions .*INSERT INTO events/);
      expect(writes[0]).toContain('UPDATE user_lockouts');
      // Both run as named prepared statements: PostgreSQL plans them once per connection.
      const named = query.mock.calls.flatMap(([sql]) =>
        typeof sql === 'string' ? [] : [sql as { name: string; text: string }],
      );
      expect(named.find((q) => q.text.includes('INSERT INTO sessions'))?.name).toBeTruthy();
      expect(named.find((q) => /^SELECT .* FROM users/s.test(q.text))?.name).toBeTruthy();
      expect(statements.filter((s) => /FROM users|"users"/.test(s) && /^SELECT/i.test(s))).toHaveLength(1);
      // By login name, the verified domains of the user's org are read too.
      expect(statements.length).toBeLessThanOrEqual(4);
    } finally {
      verify.mockRestore();
      hash.mockRestore();
      query.mockRestore();
    }
  });
});
