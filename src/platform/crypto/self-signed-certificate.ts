import { createPrivateKey, randomBytes, webcrypto } from 'node:crypto';
import type * as X509 from '@peculiar/x509';
import { lazyModule } from '../modules/lazy-module.js';

const RSA_SHA256 = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
} as const;
/** Service and identity provider certificates are valid for years, not months; rotation is explicit. */
const VALIDITY_YEARS = 10;
type CryptoKeyPairLike = Parameters<typeof X509.X509CertificateGenerator.createSelfSigned>[0]['keys'];

/** @peculiar/x509 and its ASN.1 stack, loaded when the first certificate is made. */
const x509Module = lazyModule(async () => {
  // @peculiar/x509 uses tsyringe, which needs the Reflect metadata polyfill loaded first.
  await import('reflect-metadata');
  const x509 = await import('@peculiar/x509');
  x509.cryptoProvider.set(webcrypto as never);
  return x509;
});

/**
 * A self-signed RSA 2048 / SHA-256 certificate and its PKCS#8 key, both PEM: what a SAML identity
 * provider signs its responses with and a SAML service provider its requests.
 */
export async function generateSelfSigned(
  commonName: string,
  now = new Date(),
): Promise<{ certificate: string; privateKey: string; notAfter: Date }> {
  const keys = (await webcrypto.subtle.generateKey(RSA_SHA256, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const x509 = await x509Module();
  const notAfter = new Date(now);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + VALIDITY_YEARS);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    // RFC 5280 §4.1.2.2: positive, at most 20 octets.
    serialNumber: '01' + randomBytes(15).toString('hex'),
    name: `CN=${commonName.replace(/[,+="\\<>;#]/g, ' ')}`,
    notBefore: new Date(now.getTime() - 60_000),
    notAfter,
    signingAlgorithm: RSA_SHA256,
    keys: keys as unknown as CryptoKeyPairLike,
    extensions: [new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true)],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const privateKey = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' })
    .export({ format: 'pem', type: 'pkcs8' })
    .toString();
  return { certificate: cert.toString('pem'), privateKey, notAfter };
}
