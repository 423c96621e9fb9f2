import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** Which registrations a WebAuthn assertion may use: passkeys, U2F security keys, or both. */
export type WebAuthnKind = 'passkey' | 'u2f';

/** A ready credential as an assertion (a session check) verifies against it. */
export interface AssertableCredential {
  readonly id: string;
  readonly kind: WebAuthnKind;
  readonly publicKey: Buffer;
  readonly signCount: string;
  readonly transports: string[];
}

/** A user's ready WebAuthn credentials as session checks use them (sessions own no credential). */
@Injectable()
export class WebAuthnCredentialQueries {
  /** The ready credentials of these kinds for the relying party, oldest verified first. */
  async allowed(
    db: EntityManager,
    instanceId: string,
    userId: string,
    rpId: string,
    kinds: readonly WebAuthnKind[],
  ): Promise<{ credentialId: string; transports: string[] }[]> {
    const rows: { credential_id: string; transports: string[] }[] = await db.query(
      `SELECT credential_id, transports FROM user_webauthn_credentials
        WHERE instance_id = $1 AND user_id = $2 AND state = 'ready' AND rp_id = $3 AND kind = ANY($4::text[])
        ORDER BY verified_at, id`,
      [instanceId, userId, rpId, kinds],
    );
    return rows.map((r) => ({ credentialId: r.credential_id, transports: r.transports }));
  }

  /** The credential the assertion names, locked until the sign count is stored. */
  async forAssertion(
    tx: EntityManager,
    instanceId: string,
    userId: string,
    credentialId: string,
    rpId: string,
    kinds: readonly WebAuthnKind[],
  ): Promise<AssertableCredential | undefined> {
    const [row]: { id: string; kind: WebAuthnKind; public_key: Buffer; sign_count: string; transports: string[] }[] =
      await tx.query(
        `SELECT id, kind, public_key, sign_count, transports FROM user_webauthn_credentials
          WHERE instance_id = $1 AND user_id = $2 AND credential_id = $3 AND state = 'ready' AND rp_id = $4 AND kind = ANY($5::text[])
          FOR UPDATE`,
        [instanceId, userId, credentialId, rpId, kinds],
      );
    return row
      ? { id: row.id, kind: row.kind, publicKey: row.public_key, signCount: row.sign_count, transports: row.transports }
      : undefined;
  }

  /** Stores the authenticator's new signature counter (a clone shows up as a counter going back). */
  async storeSignCount(
    tx: EntityManager,
    instanceId: string,
    userId: string,
    id: string,
    count: number,
  ): Promise<void> {
    await tx.query(
      'UPDATE user_webauthn_credentials SET sign_count = $4 WHERE instance_id = $1 AND user_id = $2 AND id = $3',
      [instanceId, userId, id, count],
    );
  }
}
