import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'instances' })
export class Instance {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'default_org_id', type: 'text', nullable: true })
  defaultOrgId!: string | null;

  /** The domain generated org domains are made under, e.g. `acme.<primaryDomain>`. */
  @Column({ name: 'primary_domain', type: 'text' })
  primaryDomain!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

@Entity({ name: 'instance_domains' })
export class InstanceDomain {
  /** Host name without port, lower case; unique across all instances. */
  @PrimaryColumn({ type: 'text' })
  domain!: string;

  @Column({ name: 'instance_id', type: 'text' })
  instanceId!: string;

  @Column({ name: 'is_generated', type: 'boolean' })
  isGenerated!: boolean;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

/** A host the instance may be reached under as the public host, without selecting it (ZITADEL's trusted domains). */
@Entity({ name: 'instance_trusted_domains' })
export class InstanceTrustedDomain {
  @PrimaryColumn({ name: 'instance_id', type: 'text' })
  instanceId!: string;

  /** Host name without port, lower case. */
  @PrimaryColumn({ type: 'text' })
  domain!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
