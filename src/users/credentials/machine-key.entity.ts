import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A machine user's key for the JWT profile grant (RFC 7523). Only the public key is kept: a
 * generated private key is handed out once in the key file and never stored.
 */
@Entity({ name: 'machine_keys' })
export class MachineKey {
  @PrimaryColumn({ name: 'instance_id', type: 'text' })
  instanceId!: string;

  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ name: 'user_id', type: 'text' })
  userId!: string;

  /** The user's org. */
  @Column({ name: 'resource_owner', type: 'text' })
  resourceOwner!: string;

  /** SPKI PEM (`-----BEGIN PUBLIC KEY-----`) of an RSA key. */
  @Column({ name: 'public_key', type: 'text' })
  publicKey!: string;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
