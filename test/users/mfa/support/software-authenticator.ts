import { createHash, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { cborEncode } from './cbor.js';

/** The JSON a browser's PublicKeyCredential.toJSON() gives for navigator.credentials.create(). */
export interface RegistrationCredentialJson {
  [key: string]: unknown;
  id: string;
  rawId: string;
  type: 'public-key';
  response: { clientDataJSON: string; attestationObject: string; transports: string[] };
  clientExtensionResults: Record<string, never>;
}

interface CreationOptions {
  challenge: string;
  rp: { id?: string; name: string };
  user: { id: string; name: string; displayName: string };
  pubKeyCredParams: { type: string; alg: number }[];
  excludeCredentials?: { id: string; type: string }[];
  authenticatorSelection?: { userVerification?: string; residentKey?: string };
  attestation?: string;
}

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_AT = 0x40;
const ES256 = -7;

const b64url = (b: Uint8Array) => Buffer.from(b).toString('base64url');

/**
 * A platform authenticator in software (WebAuthn L2 §6): one EC P-256 key pair per credential,
 * `none` attestation, as a browser would hand its result to the page. It keeps its credentials
 * so excludeCredentials is honoured like a real one (InvalidStateError).
 */
export class SoftwareAuthenticator {
  readonly credentials = new Map<string, { privateKey: KeyObject; rpId: string; userHandle: string }>();

  constructor(private readonly opts: { userVerification: boolean; aaguid?: Uint8Array } = { userVerification: true }) {}

  /**
   * navigator.credentials.create({ publicKey }) at `origin`. `options` is what the server sent,
   * i.e. `{ publicKey: PublicKeyCredentialCreationOptionsJSON }`.
   */
  create(
    options: unknown,
    origin: string,
    tweak: { challenge?: string; rpId?: string } = {},
  ): RegistrationCredentialJson {
    const publicKey = (options as { publicKey?: CreationOptions }).publicKey;
    if (!publicKey) throw new TypeError('options.publicKey is missing');
    const rpId = tweak.rpId ?? publicKey.rp.id ?? new URL(origin).hostname;
    if (!publicKey.pubKeyCredParams.some((p) => p.type === 'public-key' && p.alg === ES256))
      throw new Error('NotSupportedError: ES256 not offered');
    if (publicKey.authenticatorSelection?.userVerification === 'required' && !this.opts.userVerification) {
      throw new Error('NotAllowedError: user verification required but not available');
    }
    for (const excluded of publicKey.excludeCredentials ?? []) {
      if (this.credentials.has(excluded.id))
        throw new Error('InvalidStateError: the authenticator already holds an excluded credential');
    }

    const credentialId = randomBytes(32);
    const { privateKey, publicKey: pub } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = pub.export({ format: 'jwk' }) as { x: string; y: string };
    // COSE_Key (RFC 9053 §7.1.1): kty EC2, alg ES256, crv P-256, x, y.
    const coseKey = cborEncode(
      new Map<number, number | Uint8Array>([
        [1, 2],
        [3, ES256],
        [-1, 1],
        [-2, Buffer.from(jwk.x, 'base64url')],
        [-3, Buffer.from(jwk.y, 'base64url')],
      ]),
    );
    const credIdLength = Buffer.alloc(2);
    credIdLength.writeUInt16BE(credentialId.length);
    const signCount = Buffer.alloc(4);
    const authData = Buffer.concat([
      createHash('sha256').update(rpId).digest(),
      Buffer.from([FLAG_UP | FLAG_AT | (this.opts.userVerification ? FLAG_UV : 0)]),
      signCount,
      Buffer.from(this.opts.aaguid ?? new Uint8Array(16)),
      credIdLength,
      credentialId,
      coseKey,
    ]);
    const attestationObject = cborEncode({ fmt: 'none', attStmt: {}, authData });
    const clientDataJSON = Buffer.from(
      JSON.stringify({
        type: 'webauthn.create',
        challenge: tweak.challenge ?? publicKey.challenge,
        origin,
        crossOrigin: false,
      }),
      'utf8',
    );
    this.credentials.set(b64url(credentialId), { privateKey, rpId, userHandle: publicKey.user.id });
    return {
      id: b64url(credentialId),
      rawId: b64url(credentialId),
      type: 'public-key',
      response: {
        clientDataJSON: b64url(clientDataJSON),
        attestationObject: b64url(attestationObject),
        transports: ['internal'],
      },
      clientExtensionResults: {},
    };
  }
}
