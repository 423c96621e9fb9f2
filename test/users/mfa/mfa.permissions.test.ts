import { Code } from '@connectrpc/connect';
import { OrganizationService as OrgV2beta } from '@zitadel/proto/zitadel/org/v2beta/org_service_pb.js';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { Secret, TOTP } from 'otpauth';
import { client } from '../../support/clients.js';
import { bootTestServer, type TestServer } from '../../support/test-server.js';
import { MFA_RPCS } from './support/mfa-rpcs.js';
import { SoftwareAuthenticator } from './support/software-authenticator.js';
import { addHuman, codeOf, patFor } from './support/users.js';

/** The rules per caller (other orgs, viewers, machines) are medium tests: test/medium/users/mfa.permissions.test.ts. */
let server: TestServer;
let orgA: string;

beforeAll(async () => {
  server = await bootTestServer();
  const orgs = client(OrgV2beta, 'grpc', server.baseUrl, server.adminPat);
  orgA = (await orgs.createOrganization({ name: 'MFA Org A' })).id;
});
afterAll(() => server?.close());

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
    for (const [, , call] of MFA_RPCS) expect(await codeOf(call(self, colleague.userId))).toBe(Code.NotFound);
  });
});
