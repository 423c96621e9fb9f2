import { Column, Entity, PrimaryColumn } from 'typeorm';

export type FactorState = 'pending' | 'ready';

/** A user's TOTP generator: the seed is sealed with the master key (it must be read back). */
@Entity({ name: 'user_totp' })
export class UserTotp {
  @PrimaryColumn({ name: 'instance_id', type: 'text' })
  instanceId!: string;

  @PrimaryColumn({ name: 'user_id', type: 'text' })
  userId!: string;

  /** `MasterKey.encrypt` of the base32 seed; never selected unless asked for. */
  @Column({ name: 'secret_sealed', type: 'text', select: false })
  secretSealed!: string;

  /** `pending` from RegisterTOTP until a code from the app is verified. */
  @Column({ type: 'text' })
  state!: FactorState;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'verified_at', type: 'timestamptz', nullable: true })
  verifiedAt!: Date | null;
}

export type OtpChannel = 'sms' | 'email';

/** One-time passwords sent to the user's verified phone or email, once enabled. */
@Entity({ name: 'user_otp_channels' })
export class UserOtpChannel {
  @PrimaryColumn({ name: 'instance_id', type: 'text' })
  instanceId!: string;

  @PrimaryColumn({ name: 'user_id', type: 'text' })
  userId!: string;

  @PrimaryColumn({ type: 'text' })
  channel!: OtpChannel;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

export type WebAuthnKind = 'passkey' | 'u2f';

/**
 * A passkey or U2F security key. Registration leaves a `pending` row holding the challenge (and
 * its expiry) the browser must sign; verification fills in the credential and makes it `ready`.
 */
@Entity({ name: 'user_webauthn_credentials' })
export class UserWebAuthnCredential {
  @PrimaryColumn({ name: 'instance_id', type: 'text' })
  instanceId!: string;

  @PrimaryColumn({ name: 'user_id', type: 'text' })
  userId!: string;

  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'text' })
  kind!: WebAuthnKind;

  @Column({ type: 'text' })
  state!: FactorState;

  /** The relying party id the credential is scoped to (a domain of the instance). */
  @Column({ name: 'rp_id', type: 'text' })
  rpId!: string;

  @Column({ name: 'user_verification', type: 'text' })
  userVerification!: 'required' | 'discouraged';

  /** base64url challenge of a pending registration; cleared once verified. */
  @Column({ type: 'text', nullable: true })
  challenge!: string | null;

  @Column({ name: 'challenge_expires_at', type: 'timestamptz', nullable: true })
  challengeExpiresAt!: Date | null;

  @Column({ type: 'text', nullable: true })
  name!: string | null;

  /** base64url credential id the authenticator chose. */
  @Column({ name: 'credential_id', type: 'text', nullable: true })
  credentialId!: string | null;

  /** COSE-encoded public key. */
  @Column({ name: 'public_key', type: 'bytea', nullable: true })
  publicKey!: Buffer | null;

  @Column({ name: 'sign_count', type: 'bigint', default: 0 })
  signCount!: string;

  @Column({ type: 'text', nullable: true })
  aaguid!: string | null;

  @Column({ type: 'text', array: true, default: () => `'{}'` })
  transports!: string[];

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'verified_at', type: 'timestamptz', nullable: true })
  verifiedAt!: Date | null;
}
