import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { hasPermission, type Permission } from '../platform/authz/permissions.js';
import { PermissionDenied, Unauthenticated } from '../platform/errors/domain-error.js';
import type { Caller } from '../platform/rpc/call-context.js';
import type { Project, ProjectGrant } from './project.entity.js';
import { ProjectStore } from './projects.store.js';
import * as errors from './projects.errors.js';

type ProjectRef = Pick<Project, 'id' | 'resourceOwner'>;

/** The permission on the project: through its org, the instance, or a membership on the project. */
export function mayOnProject(caller: Caller, permission: Permission, project: ProjectRef): boolean {
  if (caller.system) return true;
  const principal = caller.principal;
  if (!principal) return false;
  return hasPermission(principal.grants, caller.instance.id, permission, {
    orgId: project.resourceOwner,
    projectId: project.id,
  });
}

/**
 * The permission on the project as an org it is granted to sees it: in the granted org, or by a
 * membership on the grant.
 */
export function mayThroughGrant(
  caller: Caller,
  permission: Permission,
  grant: Pick<ProjectGrant, 'id' | 'projectId' | 'grantedOrgId'>,
): boolean {
  if (caller.system) return true;
  const principal = caller.principal;
  if (!principal) return false;
  return hasPermission(principal.grants, caller.instance.id, permission, {
    orgId: grant.grantedOrgId,
    projectId: grant.projectId,
    projectGrantId: grant.id,
  });
}

/**
 * The resource-level checks on projects. A project is readable by its org's readers, members of
 * the project, and readers in the orgs it is granted to; it is changed only through its own org
 * or a membership on it. Who may not even read it gets NOT_FOUND, as if it did not exist.
 */
@Injectable()
export class ProjectAccess {
  constructor(private readonly store: ProjectStore) {}

  /**
   * What the caller may do with the project: `allowed` with `permission`; `denied` when it may
   * not but can read the project (by `readPermission` on it, or through a grant of it to an org);
   * `hidden` when it cannot even read it.
   */
  async check(
    db: EntityManager,
    caller: Caller,
    project: ProjectRef,
    permission: Permission,
    readPermission: Permission = 'project.read',
  ): Promise<'allowed' | 'denied' | 'hidden'> {
    if (mayOnProject(caller, permission, project)) return 'allowed';
    if (!caller.principal) throw Unauthenticated('PROJ-n0pr1', 'authentication required');
    if (mayOnProject(caller, readPermission, project)) return 'denied';
    return (await this.grantsVisibleTo(db, caller, project, readPermission)).length > 0 ? 'denied' : 'hidden';
  }

  /** Throws unless `check` allows: PERMISSION_DENIED to those who can read the project, else NOT_FOUND. */
  async require(
    db: EntityManager,
    caller: Caller,
    project: ProjectRef,
    permission: Permission,
    readPermission: Permission = 'project.read',
  ): Promise<void> {
    const access = await this.check(db, caller, project, permission, readPermission);
    if (access === 'denied') throw PermissionDenied('PROJ-d3n13', `no permission: ${permission} required`);
    if (access === 'hidden') throw errors.projectNotFound();
  }

  /**
   * Loads the project and checks `permission` on it (see `require`); with `lock`, inside a
   * transaction, the row stays locked until it ends. For other modules too, e.g. apps checking
   * `project.app.write` before adding an app to a project.
   */
  async load(
    db: EntityManager,
    caller: Caller,
    projectId: string,
    permission: Permission,
    options: { lock?: boolean; readPermission?: Permission } = {},
  ): Promise<Project> {
    const project = options.lock
      ? await this.store.lockProject(db, caller.instance.id, projectId)
      : await this.store.findProject(db, caller.instance.id, projectId);
    if (!project) throw errors.projectNotFound();
    await this.require(db, caller, project, permission, options.readPermission);
    return project;
  }

  /** The project's grants through which the caller holds `permission` (see `mayThroughGrant`), by granted org id. */
  async grantsVisibleTo(
    db: EntityManager,
    caller: Caller,
    project: ProjectRef,
    permission: Permission,
  ): Promise<ProjectGrant[]> {
    const grants = await this.store.grantsOf(db, caller.instance.id, project.id);
    return grants.filter((g) => mayThroughGrant(caller, permission, g));
  }
}
