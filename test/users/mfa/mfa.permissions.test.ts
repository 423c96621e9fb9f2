import { Code } from '@connectrpc/connect';
import { OrganizationService as OrgV2beta } from '@zitadel/proto/zitadel/org/v2beta/org_service_pb.js';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { Secret, TOTP } from 'otpauth';
import { client } from '../../support/clients.js';
import { machineWithRoles } from '../../support/principals.js';
import { bootTestServer, type TestServer } from '../../support/test-server.js';
import { SoftwareAuthenticator } from './support/software-authenticator.js';
import { addHuman, codeOf, patFor } from './support/users.js';

let server: TestServer;
let orgA: string;
let ownerA: string;
let viewerA: string;
let ownerB: string;
let machineA: string;

beforeAll(async () => {
  server = await bootTestServer();
  const orgs = client(OrgV2beta, 'grpc', server.baseUrl, server.adminPat);
  orgA = (await orgs.createOrganization({ name: 'MFA Org A' })).id;
  const orgB = (await orgs.createOrganization({ name: 'MFA Org B' })).id;
  ownerA = (await machineWithRoles(server, orgA, { level: 'org', resourceId: orgA, roles: ['ORG_OWNER'] })).pat;
  viewerA = (await machineWithRoles(server, orgA, { level: 'org', resourceId: orgA, roles: ['ORG_OWNER_VIEWER'] })).pat;
  ownerB = (await machineWithRoles(server, orgB, { level: 'org', resourceId: orgB, roles: ['ORG_OWNER'] })).pat;
  machineA = (
    await machineWithRoles(server, orgA, { level: 'org', resourceId: orgA, roles: ['ORG_USER_SELF_MANAGER'] })
  ).userId;
});
afterAll(() => server?.close());

type Users = ReturnType<typeof client<typeof UserService>>;
const credential = {
  id: 'AAAA',
  rawId: 'AAAA',
  type: 'public-key',
  response: { clientDataJSON: 'AAAA', attestationObject: 'AAAA' },
};

/** Every MFA RPC on one user, and whether it writes (a reader of the org gets PERMISSION_DENIED). */
const RPCS: [string, 'read' | 'write', (u: Users, id: string) => Promise<unknown>][] = [
  ['RegisterTOTP', 'write', (u, id) => u.registerTOTP({ userId: id })],
  ['VerifyTOTPRegistration', 'write', (u, id) => u.verifyTOTPRegistration({ userId: id, code: '123456' })],
  ['RemoveTOTP', 'write', (u, id) => u.removeTOTP({ userId: id })],
  ['AddOTPSMS', 'write', (u, id) => u.addOTPSMS({ userId: id })],
  ['RemoveOTPSMS', 'write', (u, id) => u.removeOTPSMS({ userId: id })],
  ['AddOTPEmail', 'write', (u, id) => u.addOTPEmail({ userId: id })],
  ['RemoveOTPEmail', 'write', (u, id) => u.removeOTPEmail({ userId: id })],
  ['RegisterPasskey', 'write', (u, id) => u.registerPasskey({ userId: id, domain: 'localhost' })],
  [
    'VerifyPasskeyRegistration',
    'write',
    (u, id) =>
      u.verifyPasskeyRegistration({ userId: id, passkeyId: '1', passkeyName: 'n', publicKeyCredential: credential }),
  ],
  ['RemovePasskey', 'write', (u, id) => u.removePasskey({ userId: id, passkeyId: '1' })],
  ['RegisterU2F', 'write', (u, id) => u.registerU2F({ userId: id, domain: 'localhost' })],
  [
    'VerifyU2FRegistration',
    'write',
    (u, id) => u.verifyU2FRegistration({ userId: id, u2fId: '1', tokenName: 'n', publicKeyCredential: credential }),
  ],
  ['RemoveU2F', 'write', (u, id) => u.removeU2F({ userId: id, u2fId: '1' })],
  ['HumanMFAInitSkipped', 'write', (u, id) => u.humanMFAInitSkipped({ userId: id })],
  ['ListPasskeys', 'read', (u, id) => u.listPasskeys({ userId: id })],
  ['ListAuthenticationMethodTypes', 'read', (u, id) => u.listAuthenticationMethodTypes({ userId: id })],
  ['ListAuthenticationFactors', 'read', (u, id) => u.listAuthenticationFactors({ userId: id })],
];

describe('MFA permissions', () => {
  it.each(RPCS)(
    'answers NOT_FOUND to an ORG_OWNER of another org calling %s, as for a missing user',
    async (_name, _kind, call) => {
      const { userId } = await addHuman(server, { orgId: orgA });
      const asOwnerB = client(UserService, 'grpc', server.baseUrl, ownerB);
      expect(await codeOf(call(asOwnerB, userId))).toBe(Code.NotFound);
      expect(await codeOf(call(asOwnerB, '999999999999999999'))).toBe(Code.NotFound);
    },
  );

  it.each(RPCS)('lets a viewer of the org call %s only if it reads', async (_name, kind, call) => {
    const { userId } = await addHuman(server, { orgId: orgA });
    const asViewer = client(UserService, 'connect-h1', server.baseUrl, viewerA);
    expect(await codeOf(call(asViewer, userId))).toBe(kind === 'read' ? 'ok' : Code.PermissionDenied);
  });

  it("lets an ORG_OWNER manage the factors of its org's users", async () => {
    const { userId } = await addHuman(server, { orgId: orgA, phone: '+41790000001' });
    const asOwner = client(UserService, 'grpc', server.baseUrl, ownerA);
    await asOwner.registerTOTP({ userId });
    await asOwner.addOTPSMS({ userId });
    await asOwner.addOTPEmail({ userId });
    const link = await asOwner.createPasskeyRegistrationLink({ userId, medium: { case: 'returnCode', value: {} } });
    expect(link.code?.code).toBeTruthy();
    expect((await asOwner.listAuthenticationFactors({ userId })).result.map((f) => f.type.case)).toEqual([
      'otpSms',
      'otpEmail',
    ]);
  });

  it('refuses a registration link to a caller without user.passkey.write anywhere', async () => {
    const { userId } = await addHuman(server, { orgId: orgA });
    const asViewer = client(UserService, 'grpc', server.baseUrl, viewerA);
    expect(
      await codeOf(asViewer.createPasskeyRegistrationLink({ userId, medium: { case: 'returnCode', value: {} } })),
    ).toBe(Code.PermissionDenied);
  });

  it('refuses factors for machine users', async () => {
    const admin = client(UserService, 'grpc', server.baseUrl, server.adminPat);
    expect(await codeOf(admin.registerTOTP({ userId: machineA }))).toBe(Code.FailedPrecondition);
    expect(await codeOf(admin.registerPasskey({ userId: machineA, domain: 'localhost' }))).toBe(
      Code.FailedPrecondition,
    );
  });
});

describe.each(['grpc', 'connect-h1'] as const)('users managing their own factors over %s', (transport) => {
  it('sets up TOTP, OTP email and a passkey on themselves with no role at all, but not on a colleague', async () => {
    const me = await addHuman(server, { orgId: orgA });
    const colleague = await addHuman(server, { orgId: orgA });
    const self = client(
      UserService,
      transport,
      server.baseUrl,
      await patFor(server, { userId: me.userId, orgId: orgA }),
    );

    const { secret } = await self.registerTOTP({ userId: me.userId });
    const code = TOTP.generate({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 });
    await self.verifyTOTPRegistration({ userId: me.userId, code });
    await self.addOTPEmail({ userId: me.userId });
    const passkey = await self.registerPasskey({ userId: me.userId, domain: 'localhost' });
    const made = new SoftwareAuthenticator().create(
      passkey.publicKeyCredentialCreationOptions,
      `http://localhost:${new URL(server.baseUrl).port}`,
    );
    await self.verifyPasskeyRegistration({
      userId: me.userId,
      passkeyId: passkey.passkeyId,
      passkeyName: 'mine',
      publicKeyCredential: made as never,
    });
    expect((await self.listPasskeys({ userId: me.userId })).result.map((p) => p.name)).toEqual(['mine']);
    expect((await self.listAuthenticationFactors({ userId: me.userId })).result.map((f) => f.type.case)).toEqual([
      'otp',
      'otpEmail',
    ]);
    await self.humanMFAInitSkipped({ userId: me.userId });
    await self.removeOTPEmail({ userId: me.userId });
    await self.removeTOTP({ userId: me.userId });
    await self.removePasskey({ userId: me.userId, passkeyId: passkey.passkeyId });

    // Links need user.passkey.write, which self-management does not give.
    expect(
      await codeOf(
        self.createPasskeyRegistrationLink({ userId: me.userId, medium: { case: 'returnCode', value: {} } }),
      ),
    ).toBe(Code.PermissionDenied);
    for (const [, , call] of RPCS) expect(await codeOf(call(self, colleague.userId))).toBe(Code.NotFound);
  });
});
