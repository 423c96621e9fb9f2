import { Column, Entity, PrimaryColumn } from 'typeorm';

export type UserVerification = 'required' | 'preferred' | 'discouraged';

/** A session of the v2 session API: who was checked, how and when; see the migration. */
@Entity({ name: 'sessions' })
export class Session {
  @PrimaryColumn({ name: 'instance_id', type: 'text' })
  instanceId!: string;

  @PrimaryColumn({ type: 'text' })
  id!: string;

  /** SHA-256 of the current session token; every change replaces it. */
  @Column({ name: 'token_hash', type: 'text', select: false })
  tokenHash!: string;

  /** The user who created the session (the login client). */
  @Column({ type: 'text' })
  creator!: string;

  @Column({ name: 'user_id', type: 'text', nullable: true })
  userId!: string | null;

  /** The org of the checked user: what session permissions are checked against. */
  @Column({ name: 'user_resource_owner', type: 'text', nullable: true })
  userResourceOwner!: string | null;

  @Column({ name: 'user_checked_at', type: 'timestamptz', nullable: true })
  userCheckedAt!: Date | null;

  @Column({ name: 'password_checked_at', type: 'timestamptz', nullable: true })
  passwordCheckedAt!: Date | null;

  @Column({ name: 'intent_checked_at', type: 'timestamptz', nullable: true })
  intentCheckedAt!: Date | null;

  @Column({ name: 'webauthn_checked_at', type: 'timestamptz', nullable: true })
  webAuthnCheckedAt!: Date | null;

  @Column({ name: 'webauthn_user_verified', type: 'boolean', default: false })
  webAuthnUserVerified!: boolean;

  @Column({ name: 'totp_checked_at', type: 'timestamptz', nullable: true })
  totpCheckedAt!: Date | null;

  @Column({ name: 'otp_sms_checked_at', type: 'timestamptz', nullable: true })
  otpSmsCheckedAt!: Date | null;

  @Column({ name: 'otp_email_checked_at', type: 'timestamptz', nullable: true })
  otpEmailCheckedAt!: Date | null;

  /** Key -> base64 of the value. */
  @Column({ type: 'jsonb', default: () => `'{}'` })
  metadata!: Record<string, string>;

  @Column({ name: 'user_agent_fingerprint_id', type: 'text', nullable: true })
  userAgentFingerprintId!: string | null;

  @Column({ name: 'user_agent_ip', type: 'text', nullable: true })
  userAgentIp!: string | null;

  @Column({ name: 'user_agent_description', type: 'text', nullable: true })
  userAgentDescription!: string | null;

  /** Header name -> values, as the client reported them. */
  @Column({ name: 'user_agent_header', type: 'jsonb', nullable: true })
  userAgentHeader!: Record<string, string[]> | null;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;

  /** base64url challenge of the pending WebAuthn assertion. */
  @Column({ name: 'webauthn_challenge', type: 'text', nullable: true, select: false })
  webAuthnChallenge!: string | null;

  @Column({ name: 'webauthn_rp_id', type: 'text', nullable: true, select: false })
  webAuthnRpId!: string | null;

  @Column({ name: 'webauthn_user_verification', type: 'text', nullable: true, select: false })
  webAuthnUserVerification!: UserVerification | null;

  @Column({ name: 'webauthn_challenge_expires_at', type: 'timestamptz', nullable: true, select: false })
  webAuthnChallengeExpiresAt!: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'changed_at', type: 'timestamptz' })
  changedAt!: Date;

  @Column({ type: 'bigint' })
  sequence!: string;
}

/** Failed password and OTP checks of a user since the last successful one (lockout policy). */
@Entity({ name: 'user_lockouts' })
export class UserLockout {
  @PrimaryColumn({ name: 'instance_id', type: 'text' })
  instanceId!: string;

  @PrimaryColumn({ name: 'user_id', type: 'text' })
  userId!: string;

  @Column({ name: 'password_failures', type: 'integer', default: 0 })
  passwordFailures!: number;

  @Column({ name: 'otp_failures', type: 'integer', default: 0 })
  otpFailures!: number;

  /** Set when these counts locked the user; an unlock since then starts the counts again. */
  @Column({ name: 'locked_at', type: 'timestamptz', nullable: true })
  lockedAt!: Date | null;
}
