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
    return {
      kid: key.id,
      alg: key.alg,
      privateKey: createPrivateKey({ key: this.masterKey.decrypt(key.privateKey), format: 'pem' }),
    };
  }

  /**
   * Private JWKs of every key not deleted, the active one first (it is what signs), for a token
   * signer that also needs the older keys' ids; with `tag`, which changes when any key changes.
   */
  async privateJwks(
    instanceId: string,
  ): Promise<{ keys: (Record<string, unknown> & { kid: string; alg: string; use: 'sig' })[]; tag: string }> {
    const rows = await this.tx.reader
      .getRepository(WebKey)
      .createQueryBuilder('k')
      .addSelect('k.privateKey')
      .where('k.instance_id = :i', { i: instanceId })
      .orderBy(`k.state = 'active'`, 'DESC')
      .addOrderBy('k.created_at')
      .getMany();
    const keys = rows.map((k) => ({
      ...createPrivateKey({ key: this.masterKey.decrypt(k.privateKey), format: 'pem' }).export({ format: 'jwk' }),
      kid: k.id,
      alg: k.alg,
      use: 'sig' as const,
    }));
    return { keys, tag: await this.keysTag(instanceId) };
  }

  /** Changes whenever a key is created, activated or deleted: cheap to ask on every request. */
  async keysTag(instanceId: string): Promise<string> {
    const [row] = await this.tx.reader.query(
      `SELECT COALESCE(string_agg(id || ':' || state, ',' ORDER BY id), '') AS tag FROM web_keys WHERE instance_id = $1`,
      [instanceId],
    );
    return row.tag;
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
