import { Code } from '@connectrpc/connect';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { codeOf } from '../../support/clients.js';
import { DENIED, NOT_FOUND, OK, permissionMatrix, type OrgActor } from '../../support/permission-matrix.js';
import { MFA_RPCS } from '../../users/mfa/support/mfa-rpcs.js';
import { mediumPermissionFile } from '../support/medium-app.js';

const { medium, make, actors } = mediumPermissionFile();
const users = (token: string) => medium().client(UserService, token);

describe("MFA permissions: another org's owner finds no user, a viewer of the org only reads", () => {
  type Actor = Extract<OrgActor, 'ownerB' | 'viewerA'>;
  permissionMatrix<Actor, string>({
    rows: MFA_RPCS.map(([method, kind, call]) => ({
      method,
      call: (token, userId) => call(users(token), userId),
      expect: { ownerB: NOT_FOUND, viewerA: kind === 'read' ? OK : DENIED },
    })),
    fixture: () => make().human(actors().orgA),
    token: (actor) => actors().tokens[actor],
  });

  it.each(MFA_RPCS)(
    'answers NOT_FOUND to %s on a user that does not exist, as on one not yours',
    async (_m, _k, call) => {
      expect(await codeOf(call(users(actors().tokens.ownerB), '999999999999999999'))).toBe(Code.NotFound);
    },
  );
});

describe('MFA rules', () => {
  it("lets an ORG_OWNER manage the factors of its org's users", async () => {
    const userId = await make().human(actors().orgA, { phone: '+41790000001', phoneVerified: true });
    const asOwner = users(actors().tokens.ownerA);
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
    const userId = await make().human(actors().orgA);
    expect(
      await codeOf(
        users(actors().tokens.viewerA).createPasskeyRegistrationLink({
          userId,
          medium: { case: 'returnCode', value: {} },
        }),
      ),
    ).toBe(Code.PermissionDenied);
  });

  it('refuses factors for machine users', async () => {
    const machineId = await make().machine(actors().orgA);
    const admin = users(medium().adminPat);
    expect(await codeOf(admin.registerTOTP({ userId: machineId }))).toBe(Code.FailedPrecondition);
    expect(await codeOf(admin.registerPasskey({ userId: machineId, domain: 'localhost' }))).toBe(
      Code.FailedPrecondition,
    );
  });
});
