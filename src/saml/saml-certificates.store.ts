// @peculiar/x509 uses tsyringe, which needs the Reflect metadata polyfill loaded first.
import 'reflect-metadata';
import { createPrivateKey, randomBytes, webcrypto } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import * as x509 from '@peculiar/x509';
import { MasterKey } from '../platform/crypto/master-key.js';
import { Transactions } from '../platform/database/transactions.js';
import { SamlCertificate } from './saml.entity.js';

/** The instance's signing credentials, decrypted. */
export interface SamlSigningCredentials {
  /** PEM. */
  readonly certificate: string;
  /** Base64 DER of the certificate, as metadata and KeyInfo carry it. */
  readonly certificateBase64: string;
  /** PKCS#8 PEM. Never logged. */
  readonly privateKey: string;
}

const RSA_SHA256 = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
} as const;
const VALIDITY_YEARS = 10;
type CryptoKeyPairLike = Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[0]['keys'];

x509.cryptoProvider.set(webcrypto as never);

/** A self-signed RSA 2048 / SHA-256 certificate and its key; pure, so the shape is unit tested. */
export async function generateSelfSigned(
  commonName: string,
  now = new Date(),
): Promise<{ certificate: string; privateKey: string; notAfter: Date }> {
  const keys = (await webcrypto.subtle.generateKey(RSA_SHA256, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
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

export function pemBody(pem: string): string {
  return pem.replace(/-----(BEGIN|END) [A-Z ]+-----/g, '').replace(/\s+/g, '');
}

/**
 * The instance's SAML signing certificate. Made on first use; two processes racing to make it
 * both insert with ON CONFLICT DO NOTHING and then read back the one row that won, so every
 * process signs with the same key. Read from the database on each use (no process cache).
 */
@Injectable()
export class SamlCertificates {
  constructor(
    private readonly tx: Transactions,
    private readonly masterKey: MasterKey,
  ) {}

  /** The public certificate (PEM) only. */
  async certificate(instanceId: string, instanceName: string): Promise<string> {
    const row = await this.tx.reader.findOneBy(SamlCertificate, { instanceId });
    if (row) return row.certificate;
    return (await this.signing(instanceId, instanceName)).certificate;
  }

  async signing(instanceId: string, instanceName: string): Promise<SamlSigningCredentials> {
    let row = await this.read(instanceId);
    if (!row) {
      const made = await generateSelfSigned(`${instanceName} SAML IdP`);
      await this.tx.reader.query(
        `INSERT INTO saml_certificates (instance_id, certificate, private_key, not_after, created_at)
         VALUES ($1, $2, $3, $4, now()) ON CONFLICT (instance_id) DO NOTHING`,
        [instanceId, made.certificate, this.masterKey.encrypt(made.privateKey), made.notAfter],
      );
      row = await this.read(instanceId);
      if (!row) throw new Error('SAML certificate missing right after it was stored');
    }
    return {
      certificate: row.certificate,
      certificateBase64: pemBody(row.certificate),
      privateKey: this.masterKey.decrypt(row.privateKey),
    };
  }

  private read(instanceId: string): Promise<SamlCertificate | null> {
    return this.tx.reader
      .getRepository(SamlCertificate)
      .createQueryBuilder('c')
      .addSelect('c.privateKey')
      .where('c.instance_id = :i', { i: instanceId })
      .getOne();
  }
}
