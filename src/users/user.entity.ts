import { Column, Entity, PrimaryColumn } from 'typeorm';

export type UserType = 'human' | 'machine';
/** ZITADEL's access token types of machine users: opaque bearer tokens or JWTs. */
export type AccessTokenType = 'bearer' | 'jwt';
/** ZITADEL's user states; `initial` until a human has a password or verified email. */
export type UserState = 'initial' | 'active' | 'inactive' | 'locked';

/**
 * The user record. This issue keeps only what bootstrap and org admins need; the users issue
 * grows it (phone, MFA, metadata …) through new migrations.
 */
@Entity({ name: 'users' })
export class User {
  @PrimaryColumn({ name: 'instance_id', type: 'text' })
  instanceId!: string;

  @PrimaryColumn({ type: 'text' })
  id!: string;

  /** The org the user belongs to. */
  @Column({ name: 'resource_owner', type: 'text' })
  resourceOwner!: string;

  @Column({ type: 'text' })
  type!: UserType;

  @Column({ type: 'text' })
  state!: UserState;

  @Column({ type: 'text' })
  username!: string;

  /** Where the username is unique: '' for the instance, the org's id when its domain policy says so (see usernameScope). */
  @Column({ name: 'username_scope', type: 'text' })
  usernameScope!: string;

  @Column({ name: 'password_hash', type: 'text', nullable: true, select: false })
  passwordHash!: string | null;

  @Column({ name: 'password_change_required', type: 'boolean', default: false })
  passwordChangeRequired!: boolean;

  @Column({ name: 'given_name', type: 'text', nullable: true })
  givenName!: string | null;

  @Column({ name: 'family_name', type: 'text', nullable: true })
  familyName!: string | null;

  @Column({ name: 'nick_name', type: 'text', nullable: true })
  nickName!: string | null;

  @Column({ name: 'display_name', type: 'text', nullable: true })
  displayName!: string | null;

  @Column({ name: 'preferred_language', type: 'text', nullable: true })
  preferredLanguage!: string | null;

  @Column({ type: 'text', nullable: true })
  email!: string | null;

  @Column({ name: 'email_verified', type: 'boolean', default: false })
  emailVerified!: boolean;

  @Column({ type: 'text', nullable: true })
  phone!: string | null;

  @Column({ name: 'phone_verified', type: 'boolean', default: false })
  phoneVerified!: boolean;

  /** zitadel.user.v2.Gender number. */
  @Column({ type: 'smallint', default: 0 })
  gender!: number;

  @Column({ name: 'password_changed_at', type: 'timestamptz', nullable: true })
  passwordChangedAt!: Date | null;

  @Column({ name: 'mfa_init_skipped_at', type: 'timestamptz', nullable: true })
  mfaInitSkippedAt!: Date | null;

  /** Machine users: display name and description. */
  @Column({ name: 'machine_name', type: 'text', nullable: true })
  machineName!: string | null;

  @Column({ name: 'machine_description', type: 'text', nullable: true })
  machineDescription!: string | null;

  @Column({ name: 'machine_access_token_type', type: 'text', nullable: true })
  machineAccessTokenType!: AccessTokenType | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'changed_at', type: 'timestamptz' })
  changedAt!: Date;

  @Column({ type: 'bigint' })
  sequence!: string;
}
