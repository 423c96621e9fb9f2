import { Column, Entity, PrimaryColumn } from 'typeorm';

export type OrgState = 'active' | 'inactive';

@Entity({ name: 'orgs' })
export class Org {
  @PrimaryColumn({ name: 'instance_id', type: 'text' })
  instanceId!: string;

  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  state!: OrgState;

  @Column({ name: 'primary_domain', type: 'text' })
  primaryDomain!: string;

  /**
   * Whether the domain policy in force for the org (its own, else the instance's) makes usernames
   * unique in the org rather than the instance (`userLoginMustBeDomain`): kept here so a new user
   * reads it from the org row it holds while it is inserted, and a policy change, which rewrites
   * this first, waits for that insert or is waited for.
   */
  @Column({ name: 'usernames_per_org', type: 'boolean' })
  usernamesPerOrg!: boolean;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'changed_at', type: 'timestamptz' })
  changedAt!: Date;

  @Column({ type: 'bigint' })
  sequence!: string;
}

export type DomainValidationType = 'http' | 'dns';

@Entity({ name: 'org_domains' })
export class OrgDomain {
  @PrimaryColumn({ name: 'instance_id', type: 'text' })
  instanceId!: string;

  @PrimaryColumn({ name: 'org_id', type: 'text' })
  orgId!: string;

  @PrimaryColumn({ type: 'text' })
  domain!: string;

  @Column({ name: 'is_verified', type: 'boolean' })
  isVerified!: boolean;

  @Column({ name: 'is_primary', type: 'boolean' })
  isPrimary!: boolean;

  /** Generated `<slug>.<instance domain>` domains are verified from the start. */
  @Column({ name: 'is_generated', type: 'boolean' })
  isGenerated!: boolean;

  @Column({ name: 'validation_type', type: 'text', nullable: true })
  validationType!: DomainValidationType | null;

  /** The challenge token, encrypted with the master key (it must be read back to verify). */
  @Column({ name: 'validation_token', type: 'text', nullable: true, select: false })
  validationToken!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

@Entity({ name: 'org_metadata' })
export class OrgMetadata {
  @PrimaryColumn({ name: 'instance_id', type: 'text' })
  instanceId!: string;

  @PrimaryColumn({ name: 'org_id', type: 'text' })
  orgId!: string;

  @PrimaryColumn({ type: 'text' })
  key!: string;

  @Column({ type: 'bytea' })
  value!: Buffer;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'changed_at', type: 'timestamptz' })
  changedAt!: Date;
}
