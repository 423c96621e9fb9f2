import { createHash, sign } from 'node:crypto';
import type { SoftwareAuthenticator } from '../../users/mfa/support/software-authenticator.js';

/** The JSON a browser's PublicKeyCredential.toJSON() gives for navigator.credentials.get(). */
export interface AssertionCredentialJson {
  [key: string]: unknown;
  id: string;
  rawId: string;
  type: 'public-key';
  response: { clientDataJSON: string; authenticatorData: string; signature: string; userHandle: string };
  clientExtensionResults: Record<string, never>;
}

interface RequestOptions {
  challenge: string;
  rpId?: string;
  allowCredentials?: { id: string; type: string }[];
  userVerification?: string;
}

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const counters = new WeakMap<SoftwareAuthenticator, Map<string, number>>();

/**
 * navigator.credentials.get({ publicKey }) at `origin` with a credential the software authenticator
 * made (WebAuthn L2 §6.3.3): authenticator data with the RP id hash, UP (and UV when it verifies
 * users) and a sign counter that goes up by one each time, signed with ES256 over
 * authenticatorData || SHA-256(clientDataJSON).
 */
export function assertWith(
  authenticator: SoftwareAuthenticator,
  userVerification: boolean,
  options: unknown,
  origin: string,
  tweak: { challenge?: string; credentialId?: string } = {},
): AssertionCredentialJson {
  const publicKey = (options as { publicKey?: RequestOptions }).publicKey;
  if (!publicKey) throw new TypeError('options.publicKey is missing');
  const allowed = publicKey.allowCredentials?.map((c) => c.id) ?? [...authenticator.credentials.keys()];
  const credentialId = tweak.credentialId ?? allowed.find((id) => authenticator.credentials.has(id));
  if (!credentialId) throw new Error('NotAllowedError: the authenticator holds none of the allowed credentials');
  const credential = authenticator.credentials.get(credentialId)!;
  const rpId = publicKey.rpId ?? new URL(origin).hostname;
  if (credential.rpId !== rpId) throw new Error('NotAllowedError: the credential is for another RP id');

  const perAuthenticator = counters.get(authenticator) ?? new Map<string, number>();
  counters.set(authenticator, perAuthenticator);
  const count = (perAuthenticator.get(credentialId) ?? 0) + 1;
  perAuthenticator.set(credentialId, count);

  const signCount = Buffer.alloc(4);
  signCount.writeUInt32BE(count);
  const authenticatorData = Buffer.concat([
    createHash('sha256').update(rpId).digest(),
    Buffer.from([FLAG_UP | (userVerification ? FLAG_UV : 0)]),
    signCount,
  ]);
  const clientDataJSON = Buffer.from(
    JSON.stringify({
      type: 'webauthn.get',
      challenge: tweak.challenge ?? publicKey.challenge,
      origin,
      crossOrigin: false,
    }),
    'utf8',
  );
  const signature = sign(
    'sha256',
    Buffer.concat([authenticatorData, createHash('sha256').update(clientDataJSON).digest()]),
    credential.privateKey,
  );
  return {
    id: credentialId,
    rawId: credentialId,
    type: 'public-key',
    response: {
      clientDataJSON: clientDataJSON.toString('base64url'),
      authenticatorData: authenticatorData.toString('base64url'),
      signature: signature.toString('base64url'),
      userHandle: credential.userHandle,
    },
    clientExtensionResults: {},
  };
}
