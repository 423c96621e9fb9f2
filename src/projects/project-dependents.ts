import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { MembershipCommands } from '../platform/authz/membership-commands.js';
import type { Caller } from '../platform/rpc/call-context.js';
import type { ProjectGrant } from './project.entity.js';
import { ProjectLifecycle } from './project-lifecycle.js';

/**
 * What hangs off a project beyond its own tables: administrators (memberships on the project and
 * on its grants) and what the contexts above projects registered with ProjectLifecycle
 * (authorizations). Called inside the project command's transaction, so the project change and
 * its cascades commit together. Apps, roles and grants go by their foreign keys' cascades.
 */
@Injectable()
export class ProjectDependents {
  constructor(
    private readonly members: MembershipCommands,
    private readonly lifecycle: ProjectLifecycle,
  ) {}

  /** Before the project row goes: its memberships and its grants' memberships, and its dependents. */
  async removeProject(
    tx: EntityManager,
    caller: Caller,
    projectId: string,
    grants: readonly Pick<ProjectGrant, 'id'>[],
  ): Promise<void> {
    await this.members.removeOnResources(tx, caller.instance.id, 'project', [projectId]);
    await this.members.removeOnResources(
      tx,
      caller.instance.id,
      'project_grant',
      grants.map((g) => g.id),
    );
    await this.lifecycle.projectRemoved(tx, caller, projectId);
  }

  /** Before a grant goes: the memberships on it and what was given through it. */
  async removeGrant(tx: EntityManager, caller: Caller, grant: Pick<ProjectGrant, 'id'>): Promise<void> {
    await this.members.removeOnResources(tx, caller.instance.id, 'project_grant', [grant.id]);
    await this.lifecycle.grantRemoved(tx, caller, grant.id);
  }

  /** A role left the project: nothing on the project keeps it. */
  async removeRoleFromAuthorizations(tx: EntityManager, caller: Caller, projectId: string, key: string): Promise<void> {
    await this.lifecycle.roleRemoved(tx, caller, projectId, key);
  }

  /** Roles left a grant: what was given through the grant loses them. */
  async removeRolesFromGrantAuthorizations(
    tx: EntityManager,
    caller: Caller,
    grant: Pick<ProjectGrant, 'id'>,
    keys: readonly string[],
  ): Promise<void> {
    if (keys.length) await this.lifecycle.grantRolesRemoved(tx, caller, grant.id, keys);
  }
}
