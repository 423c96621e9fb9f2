import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { MembershipLevel } from './permissions.js';

/** A user's administrative roles on the instance, one org or one project. */
@Entity({ name: 'memberships' })
export class Membership {
  @PrimaryColumn({ name: 'instance_id', type: 'text' })
  instanceId!: string;

  @PrimaryColumn({ name: 'user_id', type: 'text' })
  userId!: string;

  @PrimaryColumn({ type: 'text' })
  level!: MembershipLevel;

  @PrimaryColumn({ name: 'resource_id', type: 'text' })
  resourceId!: string;

  /** Org owning the resource (the instance id for instance memberships). */
  @Column({ name: 'resource_owner', type: 'text' })
  resourceOwner!: string;

  @Column({ type: 'text', array: true })
  roles!: string[];

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'changed_at', type: 'timestamptz' })
  changedAt!: Date;
}
