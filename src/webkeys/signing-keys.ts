import { createPrivateKey, type KeyObject } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { MasterKey } from '../platform/crypto/master-key.js';
import { Transactions } from '../platform/database/transactions.js';
import { WebKey } from './web-key.entity.js';
import { noActiveWebKey } from './webkeys.errors.js';

export interface SigningKey {
  /** The JWS header's `kid`: the web key's id. */
  readonly kid: string;
  /** RS256/384/512, ES256/384/512 or EdDSA. */
  readonly alg: string;
  readonly privateKey: KeyObject;
}

/** RFC 7517 §5: `{"keys":[…]}`. */
export interface JsonWebKeySet {
  readonly keys: Record<string, unknown>[];
}

/**
 * What the OIDC layer signs and verifies with. Read from the database on every call, with no
 * process cache: an activation is seen by every process on its next request.
 */
@Injectable()
export class SigningKeys {
  constructor(
    private readonly tx: Transactions,
    private readonly masterKey: MasterKey,
  ) {}

  /** The instance's active key, decrypted. FAILED_PRECONDITION if it has none. */
  async activeSigningKey(instanceId: string): Promise<SigningKey> {
    const key = await this.tx.reader
      .getRepository(WebKey)
      .createQueryBuilder('k')
      .addSelect('k.privateKey')
      .where(`k.instance_id = :i AND k.state = 'active'`, { i: instanceId })
      .getOne();
    if (!key) throw noActiveWebKey();
    return { kid: key.id, alg: key.alg, privateKey: createPrivateKey({ key: this.masterKey.decrypt(key.privateKey), format: 'pem' }) };
  }

  /** Public keys of every key not deleted (initial, active, inactive), oldest first. */
  async jwks(instanceId: string): Promise<JsonWebKeySet> {
    const rows: { public_jwk: Record<string, unknown> }[] = await this.tx.reader.query(
      'SELECT public_jwk FROM web_keys WHERE instance_id = $1 ORDER BY created_at, id',
      [instanceId],
    );
    return { keys: rows.map((r) => r.public_jwk) };
  }
}
