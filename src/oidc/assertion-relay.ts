import {
  createHmac,
  createPrivateKey,
  createPublicKey,
  randomBytes,
  timingSafeEqual,
  type KeyObject,
} from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { SignJWT } from 'jose';
import { MasterKey } from '../platform/crypto/master-key.js';

/** PKCS#8 DER of an Ed25519 private key, up to its 32-byte seed (RFC 8410 §7). */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const STAND_IN_KID = 'portcullis-client-assertion';
const STAND_IN_SECONDS = 60;

interface InstanceKey {
  readonly privateKey: KeyObject;
  readonly jwks: { keys: JsonWebKey[] };
}

/**
 * oidc-provider requires a `jti` in every client assertion and accepts each one once; ZITADEL
 * requires neither, and its SDKs (passport-zitadel, @zitadel/node) sign assertions without a jti
 * and reuse them for an hour. Neither rule can be configured, so Portcullis checks client
 * assertions itself, by ZITADEL's rules, before the provider sees them (see ClientAssertions), and
 * hands the provider a stand-in: a short-lived assertion for the same client, signed with a key
 * of the instance derived from the master key. That key is the only one the provider knows for a
 * private_key_jwt client (OidcClients), so an assertion that skipped ZITADEL's checks can never
 * authenticate anyone. Stand-in ids carry a MAC, so the provider's replay check can let them
 * through without a database write (they never leave the process).
 */
@Injectable()
export class AssertionRelay {
  private readonly keys = new Map<string, InstanceKey>();
  private readonly idKey: Buffer;

  constructor(private readonly masterKey: MasterKey) {
    this.idKey = Buffer.from(masterKey.derive('client-assertion-stand-in-ids'), 'base64url');
  }

  /** The JWKS oidc-provider gets for a private_key_jwt client of the instance: the stand-in key alone. */
  jwks(instanceId: string): { keys: JsonWebKey[] } {
    return this.key(instanceId).jwks;
  }

  /** A stand-in assertion for a client whose own assertion passed ZITADEL's checks. */
  async standIn(instanceId: string, issuer: string, clientId: string): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ jti: this.standInId() })
      .setProtectedHeader({ alg: 'EdDSA', kid: STAND_IN_KID })
      .setIssuer(clientId)
      .setSubject(clientId)
      .setAudience(issuer)
      .setIssuedAt(now)
      .setExpirationTime(now + STAND_IN_SECONDS)
      .sign(this.key(instanceId).privateKey);
  }

  /** Whether a jti is one this server minted for a stand-in. */
  isStandInId(jti: string): boolean {
    const [nonce, mac] = jti.split('.');
    if (!nonce || !mac) return false;
    const expected = this.mac(nonce);
    const given = Buffer.from(mac, 'base64url');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private standInId(): string {
    const nonce = randomBytes(12).toString('base64url');
    return `${nonce}.${this.mac(nonce).toString('base64url')}`;
  }

  private mac(nonce: string): Buffer {
    return createHmac('sha256', this.idKey).update(nonce).digest();
  }

  private key(instanceId: string): InstanceKey {
    let key = this.keys.get(instanceId);
    if (!key) {
      const seed = Buffer.from(this.masterKey.derive(`client-assertion-stand-in:${instanceId}`), 'base64url');
      const privateKey = createPrivateKey({
        key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]),
        format: 'der',
        type: 'pkcs8',
      });
      const jwk = {
        ...createPublicKey(privateKey).export({ format: 'jwk' }),
        kid: STAND_IN_KID,
        use: 'sig',
        alg: 'EdDSA',
      };
      key = { privateKey, jwks: { keys: [jwk] } };
      this.keys.set(instanceId, key);
    }
    return key;
  }
}
