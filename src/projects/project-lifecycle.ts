import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Caller } from '../platform/rpc/call-context.js';

/**
 * What a context above projects keeps that hangs off a project, its grants or its roles, and
 * removes or trims when they go. Each step runs inside the project command's transaction, so the
 * project change and its cascades commit together.
 */
export interface ProjectDependent {
  /** The project is about to be removed. */
  projectRemoved(tx: EntityManager, caller: Caller, projectId: string): Promise<void>;
  /** The grant is about to be removed. */
  grantRemoved(tx: EntityManager, caller: Caller, grantId: string): Promise<void>;
  /** The role left the project. */
  roleRemoved(tx: EntityManager, caller: Caller, projectId: string, key: string): Promise<void>;
  /** The roles left the grant (they stay roles of the project). */
  grantRolesRemoved(tx: EntityManager, caller: Caller, grantId: string, keys: readonly string[]): Promise<void>;
}

/**
 * The contexts above projects (authorizations) register here what a project's, grant's or role's
 * removal needs from them: projects sits below them and does not import them.
 */
@Injectable()
export class ProjectLifecycle {
  private readonly dependents: ProjectDependent[] = [];

  register(dependent: ProjectDependent): void {
    this.dependents.push(dependent);
  }

  async projectRemoved(tx: EntityManager, caller: Caller, projectId: string): Promise<void> {
    for (const d of this.dependents) await d.projectRemoved(tx, caller, projectId);
  }

  async grantRemoved(tx: EntityManager, caller: Caller, grantId: string): Promise<void> {
    for (const d of this.dependents) await d.grantRemoved(tx, caller, grantId);
  }

  async roleRemoved(tx: EntityManager, caller: Caller, projectId: string, key: string): Promise<void> {
    for (const d of this.dependents) await d.roleRemoved(tx, caller, projectId, key);
  }

  async grantRolesRemoved(tx: EntityManager, caller: Caller, grantId: string, keys: readonly string[]): Promise<void> {
    for (const d of this.dependents) await d.grantRolesRemoved(tx, caller, grantId, keys);
  }
}
