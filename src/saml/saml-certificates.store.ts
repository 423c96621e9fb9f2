import { Injectable } from '@nestjs/common';
import { generateSelfSigned } from '../platform/crypto/self-signed-certificate.js';
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
