import { Status } from 'nice-grpc';
import { Secret, TOTP } from 'otpauth';
import { OrganizationService as OrgV2beta } from '@zitadel/proto/zitadel/org/v2beta/org_service_pb.js';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { client, rest } from '../support/clients.js';
import { startWithReceivers, type ReceivingServer } from '../support/receivers.js';
import type { TestServer } from '../support/test-server.js';
import { authV1, v1Code } from '../support/v1-clients.js';
import { SoftwareAuthenticator } from '../users/mfa/support/software-authenticator.js';
import { addHuman, patFor } from '../users/mfa/support/users.js';

let receiving: ReceivingServer;
let server: TestServer;
let orgId: string;

beforeAll(async () => {
  receiving = await startWithReceivers();
  server = receiving.server;
  orgId = (
    await client(OrgV2beta, 'grpc', server.baseUrl, server.adminPat).createOrganization({ name: `MFA ${Date.now()}` })
  ).id;
}, 60_000);
afterAll(() => receiving?.stop());

const appCode = (secret: string) =>
  TOTP.generate({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 });

/** A human of the test org with a verified email (and phone, if given), and a PAT to call as it. */
async function me(phone?: string) {
  const { userId, username } = await addHuman(server, { orgId, phone });
  return { userId, username, pat: await patFor(server, { userId, orgId }), auth: undefined as never };
}

const factorTypes = async (pat: string) =>
  (await authV1(server.baseUrl, pat).listMyAuthFactors({})).result.map((f) =>
    f.otp ? 'otp' : f.u2f ? `u2f:${f.u2f.name}` : f.otpSms ? 'otpSms' : f.otpEmail ? 'otpEmail' : 'unknown',
  );

describe('TOTP (ZITADEL auth AddMyAuthFactorOTP, VerifyMyAuthFactorOTP, RemoveMyAuthFactorOTP)', () => {
  it('adds a pending TOTP, verifies it with a code of the secret, lists it ready and removes it', async () => {
    const user = await me();
    const auth = authV1(server.baseUrl, user.pat);
    const added = await auth.addMyAuthFactorOTP({});
    expect(added.url).toMatch(/^otpauth:\/\/totp\//);
    expect(new URL(added.url).searchParams.get('secret')).toBe(added.secret);
    expect(added.details?.resourceOwner).toBe(orgId);
    // Not a factor until verified (ZITADEL lists ready factors only).
    expect(await factorTypes(user.pat)).toEqual([]);
    expect(
      await v1Code(auth.verifyMyAuthFactorOTP({ code: '000000' === appCode(added.secret) ? '111111' : '000000' })),
    ).toBe(Status.INVALID_ARGUMENT);
    await auth.verifyMyAuthFactorOTP({ code: appCode(added.secret) });
    expect(await factorTypes(user.pat)).toEqual(['otp']);
    const removed = await rest(server.baseUrl, 'DELETE', '/auth/v1/users/me/auth_factors/otp', { token: user.pat });
    expect(removed.status).toBe(200);
    expect(await factorTypes(user.pat)).toEqual([]);
    expect(await v1Code(auth.removeMyAuthFactorOTP({}))).toBe(Status.NOT_FOUND);
  });
});

describe('OTP by SMS and email (ZITADEL auth AddMyAuthFactorOTPSMS/Email, Remove…)', () => {
  it('adds OTP email and OTP SMS (needs a verified phone), lists and removes them', async () => {
    const user = await me('+41791234567');
    const auth = authV1(server.baseUrl, user.pat);
    await auth.addMyAuthFactorOTPEmail({});
    await rest(server.baseUrl, 'POST', '/auth/v1/users/me/auth_factors/otp_sms', { token: user.pat, body: {} });
    expect((await factorTypes(user.pat)).sort()).toEqual(['otpEmail', 'otpSms']);
    expect(await v1Code(auth.addMyAuthFactorOTPEmail({}))).toBe(Status.ALREADY_EXISTS);
    await auth.removeMyAuthFactorOTPSMS({});
    await auth.removeMyAuthFactorOTPEmail({});
    expect(await factorTypes(user.pat)).toEqual([]);

    const noPhone = await me();
    expect(await v1Code(authV1(server.baseUrl, noPhone.pat).addMyAuthFactorOTPSMS({}))).toBe(
      Status.FAILED_PRECONDITION,
    );
  });
});

/** v1 carries the creation options and the credential as JSON bytes. */
const optionsOf = (key: { publicKey: Uint8Array } | undefined) => JSON.parse(Buffer.from(key!.publicKey).toString());
const credentialBytes = (credential: object) => Buffer.from(JSON.stringify(credential));

describe('U2F (ZITADEL auth AddMyAuthFactorU2F, VerifyMyAuthFactorU2F: the token being set up)', () => {
  it('registers a security key made by a software authenticator, lists it by name and removes it', async () => {
    const user = await me();
    const auth = authV1(server.baseUrl, user.pat);
    const origin = server.baseUrl;
    const added = await auth.addMyAuthFactorU2F({});
    const options = optionsOf(added.key);
    expect(options.publicKey.rp.id).toBe('127.0.0.1');
    expect(options.publicKey.authenticatorSelection.userVerification).toBe('discouraged');

    const authenticator = new SoftwareAuthenticator({ userVerification: false });
    const credential = authenticator.create(options, origin);
    expect(
      await v1Code(
        auth.verifyMyAuthFactorU2F({
          verification: { publicKeyCredential: Buffer.from('not json'), tokenName: 'key' },
        }),
      ),
    ).toBe(Status.INVALID_ARGUMENT);
    await auth.verifyMyAuthFactorU2F({
      verification: { publicKeyCredential: credentialBytes(credential), tokenName: 'yubi' },
    });
    const [factor] = (await auth.listMyAuthFactors({})).result;
    expect(factor.u2f?.name).toBe('yubi');
    expect(factor.state).toBe(2); // AUTH_FACTOR_STATE_READY
    const removed = await rest(server.baseUrl, 'DELETE', `/auth/v1/users/me/auth_factors/u2f/${factor.u2f!.id}`, {
      token: user.pat,
    });
    expect(removed.status).toBe(200);
    expect(await factorTypes(user.pat)).toEqual([]);
    expect(await v1Code(auth.removeMyAuthFactorU2F({ tokenId: factor.u2f!.id }))).toBe(Status.NOT_FOUND);
  });

  it("cannot remove another user's U2F token by its id: NOT_FOUND, and the token stays", async () => {
    const owner = await me();
    const added = await authV1(server.baseUrl, owner.pat).addMyAuthFactorU2F({});
    const credential = new SoftwareAuthenticator({ userVerification: false }).create(
      optionsOf(added.key),
      server.baseUrl,
    );
    await authV1(server.baseUrl, owner.pat).verifyMyAuthFactorU2F({
      verification: { publicKeyCredential: credentialBytes(credential), tokenName: 'mine' },
    });
    const [factor] = (await authV1(server.baseUrl, owner.pat).listMyAuthFactors({})).result;
    const thief = await me();
    expect(await v1Code(authV1(server.baseUrl, thief.pat).removeMyAuthFactorU2F({ tokenId: factor.u2f!.id }))).toBe(
      Status.NOT_FOUND,
    );
    expect(await factorTypes(owner.pat)).toEqual(['u2f:mine']);
  });
});

describe('passwordless (ZITADEL auth AddMyPasswordless, VerifyMyPasswordless, ListMyPasswordless, links)', () => {
  it('registers a passkey (user verification required), lists it and removes it', async () => {
    const user = await me();
    const auth = authV1(server.baseUrl, user.pat);
    const added = await rest(server.baseUrl, 'POST', '/auth/v1/users/me/passwordless', { token: user.pat, body: {} });
    expect(added.status).toBe(200);
    const options = JSON.parse(Buffer.from(added.body.key.publicKey, 'base64').toString());
    expect(options.publicKey.authenticatorSelection).toMatchObject({
      userVerification: 'required',
      residentKey: 'required',
    });
    const credential = new SoftwareAuthenticator({ userVerification: true }).create(options, server.baseUrl);
    await auth.verifyMyPasswordless({
      verification: { publicKeyCredential: credentialBytes(credential), tokenName: 'laptop' },
    });
    const listed = await rest(server.baseUrl, 'POST', '/auth/v1/users/me/passwordless/_search', {
      token: user.pat,
      body: {},
    });
    expect(listed.body.result).toEqual([{ id: expect.any(String), name: 'laptop', state: 'AUTH_FACTOR_STATE_READY' }]);
    // A passkey is not a second factor of ListMyAuthFactors.
    expect(await factorTypes(user.pat)).toEqual([]);
    await auth.removeMyPasswordless({ tokenId: listed.body.result[0].id });
    expect((await auth.listMyPasswordless({})).result).toEqual([]);
  });

  it('hands back a registration link to the hosted login that registers a passkey for the user', async () => {
    const user = await me();
    const link = await authV1(server.baseUrl, user.pat).addMyPasswordlessLink({});
    const url = new URL(link.link);
    expect(url.pathname).toMatch(/\/passkey\/set$/);
    expect(url.searchParams.get('userId')).toBe(user.userId);
    expect(url.searchParams.get('organization')).toBe(orgId);
    expect(Number(link.expiration?.seconds)).toBeGreaterThan(3000);
    // The link's code is what the login uses to register the passkey (v2 RegisterPasskey with the code).
    const users = client(UserService, 'grpc', server.baseUrl, server.adminPat);
    const registered = await users.registerPasskey({
      userId: user.userId,
      domain: '127.0.0.1',
      code: { id: url.searchParams.get('codeId')!, code: url.searchParams.get('code')! },
    });
    expect(registered.passkeyId).toMatch(/^\d+$/);
  });

  it('emails the registration link to the user (SendMyPasswordlessLink)', async () => {
    const user = await me();
    await authV1(server.baseUrl, user.pat).sendMyPasswordlessLink({});
    const [mail] = await receiving.smtp.waitFor(`${user.username}@example.com`);
    expect(mail.text).toMatch(new RegExp(`/passkey/set\\?userId=${user.userId}&codeId=\\d+&code=`));
    const [event] = await server.database.dataSource.query(
      `SELECT creator FROM events WHERE aggregate_id = $1 AND event_type = 'user.human.passwordless.initialization.code.requested'`,
      [user.userId],
    );
    expect(event.creator).toBe(user.userId);
  });
});

describe('bad input answers INVALID_ARGUMENT naming the field, and changes nothing', () => {
  it.each([
    ['POST', '/auth/v1/users/me/auth_factors/otp/_verify', { code: '' }, 'code'],
    ['POST', '/auth/v1/users/me/auth_factors/u2f/_verify', {}, 'verification'],
    ['POST', '/auth/v1/users/me/passwordless/_verify', { verification: { tokenName: 'x' } }, 'public_key_credential'],
    ['PUT', '/auth/v1/users/me/email', { email: 'not-an-email' }, 'email'],
    ['PUT', '/auth/v1/users/me/phone', { phone: '0791234567' }, 'phone'],
    ['PUT', '/auth/v1/users/me/username', { userName: '' }, 'user_name'],
    ['POST', '/auth/v1/usergrants/me/_search', { query: { limit: 5000 } }, 'query.limit'],
    ['POST', '/auth/v1/global/projectorgs/_search', { queries: [{ stateQuery: { state: 9 } }] }, 'queries[0].state'],
  ])('%s %s', async (verb, path, body, field) => {
    const user = await me();
    const res = await rest(server.baseUrl, verb, path, { token: user.pat, body });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain(field);
    const after = await authV1(server.baseUrl, user.pat).getMyUser({});
    expect(after.user?.userName).toBe(user.username);
    expect(after.user?.human?.email?.email).toBe(`${user.username}@example.com`);
  });
});
