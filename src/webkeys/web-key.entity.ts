import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { WebKeyConfig } from './web-key-rules.js';

/** ZITADEL's web key states; a deleted key's row is gone. */
export type WebKeyState = 'initial' | 'active' | 'inactive';

/**
 * A signing key pair of an instance (OIDC tokens). The public JWK is published at
 * `/oauth/v2/keys`; the private key is kept sealed with the master key.
 */
@Entity({ name: 'web_keys' })
export class WebKey {
  @PrimaryColumn({ name: 'instance_id', type: 'text' })
  instanceId!: string;

  /** Also the JWK's `kid`. */
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'text' })
  state!: WebKeyState;

  /** JWS `alg` the key signs with (RS256 … EdDSA). */
  @Column({ type: 'text' })
  alg!: string;

  /** The key type and its parameters, as requested (defaults filled in). */
  @Column({ type: 'jsonb' })
  config!: WebKeyConfig;

  /** The public JWK with `kid`, `use` and `alg`; not a secret. */
  @Column({ name: 'public_jwk', type: 'jsonb' })
  publicJwk!: Record<string, unknown>;

  /** PKCS#8 PEM sealed by `MasterKey.encrypt`; selected only to sign. */
  @Column({ name: 'private_key', type: 'text', select: false })
  privateKey!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'changed_at', type: 'timestamptz' })
  changedAt!: Date;

  @Column({ type: 'bigint' })
  sequence!: string;
}
