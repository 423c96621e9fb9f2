import { Column, Entity, PrimaryColumn } from 'typeorm';

export type AuthorizationState = 'active' | 'inactive';

/** An authorization (ZITADEL's user grant): a user's role keys on a project, owned by one org. */
@Entity({ name: 'user_grants' })
export class UserGrant {
  @PrimaryColumn({ name: 'instance_id', type: 'text' })
  instanceId!: string;

  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ name: 'user_id', type: 'text' })
  userId!: string;

  @Column({ name: 'project_id', type: 'text' })
  projectId!: string;

  /** Set when the org is not the project's own but one the project is granted to. */
  @Column({ name: 'project_grant_id', type: 'text', nullable: true })
  projectGrantId!: string | null;

  /** The org the authorization belongs to: the project's org, or the granted org. */
  @Column({ name: 'resource_owner', type: 'text' })
  resourceOwner!: string;

  @Column({ name: 'role_keys', type: 'text', array: true })
  roleKeys!: string[];

  @Column({ type: 'text' })
  state!: AuthorizationState;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'changed_at', type: 'timestamptz' })
  changedAt!: Date;

  @Column({ type: 'bigint' })
  sequence!: string;
}
