import { Column, Entity, PrimaryColumn } from 'typeorm';

export type PolicyOwnerType = 'instance' | 'org';

/** One stored policy: the instance default (`owner` = instance id) or an org's override. */
@Entity({ name: 'settings_policies' })
export class SettingsPolicy {
  @PrimaryColumn({ name: 'instance_id', type: 'text' })
  instanceId!: string;

  /** A `PolicyKind`, `hosted_login_translation:<locale>` or `message_text:<type>:<language>`. */
  @PrimaryColumn({ type: 'text' })
  kind!: string;

  @PrimaryColumn({ type: 'text' })
  owner!: string;

  @Column({ name: 'owner_type', type: 'text' })
  ownerType!: PolicyOwnerType;

  @Column({ type: 'jsonb' })
  body!: Record<string, unknown>;

  /** Sequence of the owner aggregate's event that last changed this row. */
  @Column({ type: 'bigint' })
  sequence!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'changed_at', type: 'timestamptz' })
  changedAt!: Date;
}
