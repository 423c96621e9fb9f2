import type { Client } from '@connectrpc/connect';
import type { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';

type Users = Client<typeof UserService>;

const credential = {
  id: 'AAAA',
  rawId: 'AAAA',
  type: 'public-key',
  response: { clientDataJSON: 'AAAA', attestationObject: 'AAAA' },
};

/** Every MFA RPC on one user, and whether it writes (a reader of the org gets PERMISSION_DENIED). */
export const MFA_RPCS: [method: string, kind: 'read' | 'write', call: (u: Users, id: string) => Promise<unknown>][] = [
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
