import { Column, Entity, PrimaryColumn } from 'typeorm';

export type ProjectState = 'active' | 'inactive';

@Entity({ name: 'projects' })
export class Project {
  @PrimaryColumn({ name: 'instance_id', type: 'text' })
  instanceId!: string;

  @PrimaryColumn({ type: 'text' })
  id!: string;

  /** The org owning the project. */
  @Column({ name: 'resource_owner', type: 'text' })
  resourceOwner!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  state!: ProjectState;

  /** Put the user's roles of this project into tokens. */
  @Column({ name: 'project_role_assertion', type: 'boolean' })
  projectRoleAssertion!: boolean;

  /** Users need an authorization (a role) to sign in to the project's apps (ZITADEL's roleCheck). */
  @Column({ name: 'authorization_required', type: 'boolean' })
  authorizationRequired!: boolean;

  /** The user's org needs access to the project (own or granted) (ZITADEL's hasProjectCheck). */
  @Column({ name: 'project_access_required', type: 'boolean' })
  projectAccessRequired!: boolean;

  /** zitadel.project.v2beta.PrivateLabelingSetting number. */
  @Column({ name: 'private_labeling_setting', type: 'smallint' })
  privateLabelingSetting!: number;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'changed_at', type: 'timestamptz' })
  changedAt!: Date;

  @Column({ type: 'bigint' })
  sequence!: string;
}

@Entity({ name: 'project_roles' })
export class ProjectRole {
  @PrimaryColumn({ name: 'instance_id', type: 'text' })
  instanceId!: string;

  @PrimaryColumn({ name: 'project_id', type: 'text' })
  projectId!: string;

  @PrimaryColumn({ type: 'text' })
  key!: string;

  @Column({ name: 'display_name', type: 'text' })
  displayName!: string;

  @Column({ name: 'role_group', type: 'text' })
  group!: string;

  @Column({ name: 'resource_owner', type: 'text' })
  resourceOwner!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'changed_at', type: 'timestamptz' })
  changedAt!: Date;
}

/** A project shared with another org, with the subset of its roles that org may hand out. */
@Entity({ name: 'project_grants' })
export class ProjectGrant {
  @PrimaryColumn({ name: 'instance_id', type: 'text' })
  instanceId!: string;

  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ name: 'project_id', type: 'text' })
  projectId!: string;

  /** The project's org. */
  @Column({ name: 'resource_owner', type: 'text' })
  resourceOwner!: string;

  @Column({ name: 'granted_org_id', type: 'text' })
  grantedOrgId!: string;

  @Column({ name: 'role_keys', type: 'text', array: true })
  roleKeys!: string[];

  @Column({ type: 'text' })
  state!: ProjectState;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'changed_at', type: 'timestamptz' })
  changedAt!: Date;

  @Column({ type: 'bigint' })
  sequence!: string;
}
