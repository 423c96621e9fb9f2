/** Pure rules for applications of every kind: client ids and key files. */
import { hash, timingSafeEqual } from 'node:crypto';
import { hashToken } from '../platform/crypto/master-key.js';

/**
 * ZITADEL's client id: a fresh id, `@`, and the project name lower-cased with each space made an
 * underscore (domain.NewClientID), e.g. `301546827385118722@my_project`.
 */
export function clientIdFor(id: string, projectName: string): string {
  return `${id}@${projectName.toLowerCase().replaceAll(' ', '_')}`;
}

/**
 * ZITADEL's JSON key file for an application key (`{"type":"application","keyId","key","appId",
 * "clientId"}`), which its SDKs and the OIDC JWT profile client read to sign client assertions
 * (RFC 7523). `key` is the private key in PKCS#1 PEM; it is in this file only.
 */
export function applicationKeyFile(key: {
  keyId: string;
  privateKey: string;
  appId: string;
  clientId: string;
}): Buffer {
  return Buffer.from(
    JSON.stringify({
      type: 'application',
      keyId: key.keyId,
      key: key.privateKey,
      appId: key.appId,
      clientId: key.clientId,
    }),
    'utf8',
  );
}

/** Compares a presented client secret with the stored hash in constant time. */
export function clientSecretMatches(storedHash: string | null | undefined, presented: string): boolean {
  if (!storedHash || !presented) return false;
  // Hash both sides again so the comparison sees equal lengths whatever was stored or sent.
  const a = hash('sha256', storedHash, 'buffer');
  const b = hash('sha256', hashToken(presented), 'buffer');
  return timingSafeEqual(a, b);
}
