import { Code } from '@connectrpc/connect';
import { Secret, TOTP } from 'otpauth';
import { AuthFactorState } from '@zitadel/proto/zitadel/user/v2/user_pb.js';
import { AuthenticationMethodType, AuthFactors, UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { MasterKey } from '../../../src/platform/crypto/master-key.js';
import { Transactions } from '../../../src/platform/database/transactions.js';
import { systemCaller } from '../../../src/platform/rpc/call-context.js';
import { InstanceResolver } from '../../../src/platform/tenancy/instance-resolver.js';
import { MfaService } from '../../../src/users/mfa/mfa.service.js';
import { client, rest } from '../../support/clients.js';
import { bootTestServer, type TestServer } from '../../support/test-server.js';
import { addHuman, codeOf, errorOf } from './support/users.js';
import { MFA_ERRORS } from '../../../src/users/mfa/mfa.errors.js';

let server: TestServer;
beforeAll(async () => {
  server = await bootTestServer();
});
afterAll(() => server?.close());

/** What an authenticator app shows for the seed at `at` (RFC 6238, the app's side). */
function appCode(secret: string, at = Date.now()): string {
  return TOTP.generate({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30, timestamp: at });
}

/** A six-digit code the seed does not produce now or one step either side. */
function wrongCode(secret: string): string {
  const near = new Set([-1, 0, 1].map((s) => appCode(secret, Date.now() + s * 30_000)));
  for (let i = 0; ; i++) {
    const candidate = String(123456 + i).padStart(6, '0');
    if (!near.has(candidate)) return candidate;
  }
}

describe.each(['grpc', 'connect-h1'] as const)('TOTP over %s', (transport) => {
  const users = () => client(UserService, transport, server.baseUrl, server.adminPat);

  it('registers, refuses a wrong code, verifies a code from the secret, lists and removes it', async () => {
    const { userId, username } = await addHuman(server);
    const registered = await users().registerTOTP({ userId });
    expect(registered.details?.sequence).toBeGreaterThan(0n);
    const uri = new URL(registered.uri);
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe(`/Portcullis:${username}`);
    expect(uri.searchParams.get('issuer')).toBe('Portcullis');
    expect(uri.searchParams.get('secret')).toBe(registered.secret);
    expect(registered.secret).toMatch(/^[A-Z2-7]{32}$/);

    // Pending until verified: not a factor yet, but listed as NOT_READY when asked for.
    expect((await users().listAuthenticationFactors({ userId })).result).toEqual([]);
    const pending = await users().listAuthenticationFactors({ userId, states: [AuthFactorState.NOT_READY] });
    expect(pending.result.map((f) => [f.type.case, f.state])).toEqual([['otp', AuthFactorState.NOT_READY]]);

    const wrong = await errorOf(users().verifyTOTPRegistration({ userId, code: wrongCode(registered.secret) }));
    expect(wrong.code).toBe(Code.InvalidArgument);
    expect(wrong.rawMessage).toContain(MFA_ERRORS.totpCodeInvalid);

    await users().verifyTOTPRegistration({ userId, code: appCode(registered.secret) });
    expect(await codeOf(users().verifyTOTPRegistration({ userId, code: appCode(registered.secret) }))).toBe(
      Code.FailedPrecondition,
    );
    expect(await codeOf(users().registerTOTP({ userId }))).toBe(Code.AlreadyExists);

    const factors = await users().listAuthenticationFactors({ userId });
    expect(factors.result.map((f) => [f.type.case, f.state])).toEqual([['otp', AuthFactorState.READY]]);
    const methods = await users().listAuthenticationMethodTypes({ userId });
    expect(methods.authMethodTypes).toEqual([AuthenticationMethodType.PASSWORD, AuthenticationMethodType.TOTP]);
    expect(methods.details?.totalResult).toBe(2n);

    await users().removeTOTP({ userId });
    expect(await codeOf(users().removeTOTP({ userId }))).toBe(Code.NotFound);
    expect(await codeOf(users().verifyTOTPRegistration({ userId, code: '123456' }))).toBe(Code.NotFound);
    expect((await users().listAuthenticationMethodTypes({ userId })).authMethodTypes).toEqual([
      AuthenticationMethodType.PASSWORD,
    ]);
  });

  it('replaces a pending seed when registering again', async () => {
    const { userId } = await addHuman(server);
    const first = await users().registerTOTP({ userId });
    const second = await users().registerTOTP({ userId });
    expect(second.secret).not.toBe(first.secret);
    expect(await codeOf(users().verifyTOTPRegistration({ userId, code: appCode(first.secret) }))).toBe(
      Code.InvalidArgument,
    );
    await users().verifyTOTPRegistration({ userId, code: appCode(second.secret) });
  });
});

describe('the TOTP seed at rest', () => {
  it('is sealed with the master key, never in clear in the table or the audit events', async () => {
    const users = client(UserService, 'grpc', server.baseUrl, server.adminPat);
    const { userId } = await addHuman(server);
    const { secret } = await users.registerTOTP({ userId });
    const [row] = await server.database.dataSource.query('SELECT secret_sealed FROM user_totp WHERE user_id = $1', [
      userId,
    ]);
    expect(row.secret_sealed).toMatch(/^v1\./);
    expect(row.secret_sealed).not.toContain(secret);
    expect(MasterKey.fromString('test-master-key-0123456789abcdef').decrypt(row.secret_sealed)).toBe(secret);
    const [whole] = await server.database.dataSource.query(
      'SELECT t::text AS text FROM user_totp t WHERE user_id = $1',
      [userId],
    );
    expect(whole.text).not.toContain(secret);
    const events = await server.database.dataSource.query(
      `SELECT event_type, payload::text AS payload FROM events WHERE aggregate_id = $1`,
      [userId],
    );
    expect(events.map((e: { event_type: string }) => e.event_type)).toContain('user.human.otp.added');
    for (const e of events) expect(e.payload).not.toContain(secret);
  });
});

describe.each(['grpc', 'connect-h1'] as const)('OTP SMS and email over %s', (transport) => {
  const users = () => client(UserService, transport, server.baseUrl, server.adminPat);

  it('adds OTP email only for a verified email, once, and removes it once', async () => {
    const unverified = await addHuman(server, { emailVerified: false });
    const refused = await errorOf(users().addOTPEmail({ userId: unverified.userId }));
    expect(refused.code).toBe(Code.FailedPrecondition);
    expect(refused.rawMessage).toMatch(/verified email/);

    const { userId } = await addHuman(server);
    await users().addOTPEmail({ userId });
    expect(await codeOf(users().addOTPEmail({ userId }))).toBe(Code.AlreadyExists);
    const factors = await users().listAuthenticationFactors({ userId });
    expect(factors.result.map((f) => f.type.case)).toEqual(['otpEmail']);
    expect((await users().listAuthenticationMethodTypes({ userId })).authMethodTypes).toContain(
      AuthenticationMethodType.OTP_EMAIL,
    );
    await users().removeOTPEmail({ userId });
    expect(await codeOf(users().removeOTPEmail({ userId }))).toBe(Code.NotFound);
  });

  it('adds OTP SMS only for a verified phone, once, and removes it once', async () => {
    const noPhone = await addHuman(server);
    const refused = await errorOf(users().addOTPSMS({ userId: noPhone.userId }));
    expect(refused.code).toBe(Code.FailedPrecondition);
    expect(refused.rawMessage).toMatch(/verified phone/);

    const { userId } = await addHuman(server, { phone: '+41791234567' });
    await users().addOTPSMS({ userId });
    expect(await codeOf(users().addOTPSMS({ userId }))).toBe(Code.AlreadyExists);
    await users().addOTPEmail({ userId });
    const factors = await users().listAuthenticationFactors({ userId });
    expect(factors.result.map((f) => f.type.case)).toEqual(['otpSms', 'otpEmail']);
    const onlySms = await users().listAuthenticationFactors({ userId, authFactors: [AuthFactors.OTP_SMS] });
    expect(onlySms.result.map((f) => f.type.case)).toEqual(['otpSms']);
    // Domain-scoped listing leaves out methods without a domain unless asked to include them.
    const scoped = await users().listAuthenticationMethodTypes({
      userId,
      domainQuery: { domain: 'localhost', includeWithoutDomain: false },
    });
    expect(scoped.authMethodTypes).toEqual([AuthenticationMethodType.PASSWORD]);
    const included = await users().listAuthenticationMethodTypes({
      userId,
      domainQuery: { domain: 'localhost', includeWithoutDomain: true },
    });
    expect(included.authMethodTypes).toEqual([
      AuthenticationMethodType.PASSWORD,
      AuthenticationMethodType.OTP_SMS,
      AuthenticationMethodType.OTP_EMAIL,
    ]);
    await users().removeOTPSMS({ userId });
    expect(await codeOf(users().removeOTPSMS({ userId }))).toBe(Code.NotFound);
  });

  it('records that the user skipped MFA set-up', async () => {
    const { userId } = await addHuman(server);
    const before = Date.now();
    const { details } = await users().humanMFAInitSkipped({ userId });
    expect(details?.resourceOwner).toMatch(/^\d{18}$/);
    const [row] = await server.database.dataSource.query('SELECT mfa_init_skipped_at FROM users WHERE id = $1', [
      userId,
    ]);
    expect(row.mfa_init_skipped_at.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(await codeOf(users().humanMFAInitSkipped({ userId: '999999999999999999' }))).toBe(Code.NotFound);
  });
});

describe('what the core user methods call', () => {
  const inTx = async (
    work: (
      mfa: MfaService,
      tx: Parameters<Parameters<Transactions['run']>[0]>[0],
      caller: ReturnType<typeof systemCaller>,
    ) => Promise<void>,
  ) => {
    const caller = systemCaller(await server.app.get(InstanceResolver).resolve('127.0.0.1'), 'test');
    await server.app.get(Transactions).run((tx) => work(server.app.get(MfaService), tx, caller));
  };

  it('imports a verified TOTP seed (AddHumanUser totp_secret) and refuses one that is not base32', async () => {
    const users = client(UserService, 'grpc', server.baseUrl, server.adminPat);
    const { userId } = await addHuman(server);
    const [{ resource_owner }] = await server.database.dataSource.query(
      'SELECT resource_owner FROM users WHERE id = $1',
      [userId],
    );
    await inTx((mfa, tx, caller) =>
      mfa.importTotp(tx, caller, { id: userId, resourceOwner: resource_owner }, 'jbsw y3dp ehpk 3pxp'),
    );
    expect((await users.listAuthenticationFactors({ userId })).result.map((f) => [f.type.case, f.state])).toEqual([
      ['otp', AuthFactorState.READY],
    ]);
    const [row] = await server.database.dataSource.query('SELECT secret_sealed FROM user_totp WHERE user_id = $1', [
      userId,
    ]);
    expect(MasterKey.fromString('test-master-key-0123456789abcdef').decrypt(row.secret_sealed)).toBe(
      'JBSWY3DPEHPK3PXP',
    );
    await expect(
      inTx((mfa, tx, caller) =>
        mfa.importTotp(tx, caller, { id: userId, resourceOwner: resource_owner }, 'not-a-seed!'),
      ),
    ).rejects.toMatchObject({
      kind: 'InvalidArgument',
      id: MFA_ERRORS.totpSecretInvalid,
    });
  });

  it('drops OTP SMS when the phone is removed', async () => {
    const users = client(UserService, 'grpc', server.baseUrl, server.adminPat);
    const { userId } = await addHuman(server, { phone: '+41791110000' });
    await users.addOTPSMS({ userId });
    await inTx((mfa, tx, caller) => mfa.phoneRemoved(tx, caller.instance.id, userId));
    expect((await users.listAuthenticationFactors({ userId })).result).toEqual([]);
  });
});

describe('MFA over REST (ZITADEL paths and JSON)', () => {
  it('registers and verifies TOTP, lists methods and factors, removes it', async () => {
    const { userId } = await addHuman(server);
    const token = server.adminPat;
    const registered = await rest(server.baseUrl, 'POST', `/v2/users/${userId}/totp`, { token, body: {} });
    expect(registered.status).toBe(200);
    expect(registered.body.uri).toMatch(/^otpauth:\/\/totp\//);
    expect(typeof registered.body.details.sequence).toBe('string');

    const bad = await rest(server.baseUrl, 'POST', `/v2/users/${userId}/totp/verify`, {
      token,
      body: { code: wrongCode(registered.body.secret) },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe(3);
    const ok = await rest(server.baseUrl, 'POST', `/v2/users/${userId}/totp/verify`, {
      token,
      body: { code: appCode(registered.body.secret) },
    });
    expect(ok.status).toBe(200);

    const methods = await rest(server.baseUrl, 'GET', `/v2/users/${userId}/authentication_methods`, { token });
    expect(methods.status).toBe(200);
    expect(methods.body.authMethodTypes).toEqual([
      'AUTHENTICATION_METHOD_TYPE_PASSWORD',
      'AUTHENTICATION_METHOD_TYPE_TOTP',
    ]);
    const factors = await rest(
      server.baseUrl,
      'POST',
      `/v2/users/${userId}/authentication_factors/_search?states=AUTH_FACTOR_STATE_READY`,
      { token },
    );
    expect(factors.status).toBe(200);
    expect(factors.body.result).toEqual([{ state: 'AUTH_FACTOR_STATE_READY', otp: {} }]);

    const removed = await rest(server.baseUrl, 'DELETE', `/v2/users/${userId}/totp`, { token });
    expect(removed.status).toBe(200);
    const again = await rest(server.baseUrl, 'DELETE', `/v2/users/${userId}/totp`, { token });
    expect(again.status).toBe(404);
    expect(again.body.code).toBe(5);
  });

  it('answers the OTP email precondition with HTTP 400 and code 9', async () => {
    const { userId } = await addHuman(server, { emailVerified: false });
    const res = await rest(server.baseUrl, 'POST', `/v2/users/${userId}/otp_email`, {
      token: server.adminPat,
      body: {},
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe(9);
    expect(res.body.message).toMatch(/\(MFA-0tpep\)$/);
  });
});
