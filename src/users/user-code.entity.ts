import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A pending one-time code of a user (email/phone verification, password reset, invite, passkey
 * registration, a session's OTP challenge); only its SHA-256 is stored, and it is deleted when used. */
@Entity({ name: 'user_codes' })
export class UserCode {
  @PrimaryColumn({ name: 'instance_id', type: 'text' })
  instanceId!: string;

  @PrimaryColumn({ name: 'user_id', type: 'text' })
  userId!: string;

  /** The code kind, optionally with an id (`passkeyRegistration:<codeId>`). */
  @PrimaryColumn({ type: 'text' })
  kind!: string;

  @Column({ name: 'code_hash', type: 'text' })
  codeHash!: string;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  /** Wrong tries so far (see MAX_CODE_ATTEMPTS): a new code starts again at 0. */
  @Column({ name: 'failed_attempts', type: 'integer', default: 0 })
  failedAttempts!: number;

  /** The code went back to the API caller that asked for it, not out to the user. */
  @Column({ type: 'boolean', default: false })
  returned!: boolean;
}
