import { create } from '@bufbuild/protobuf';
import * as v1 from '@zitadel/proto/zitadel/project_pb.js';
import { detailsV1, textMatch } from '../platform/rpc/proto-mapping.js';
import type { Project, ProjectRole, ProjectState } from './project.entity.js';
import type { GrantFilter, GrantView } from './project-grants.service.js';
import type { RoleFilter } from './project-roles.service.js';
import { filterMissing, privateLabelingInvalid } from './projects.errors.js';
import type { ProjectFilter } from './projects.service.js';

// zitadel.project.v1 messages of the v1 management API.

/** ProjectState and ProjectGrantState share their numbers. */
const STATE_NUMBER: Record<ProjectState, number> = { active: 1, inactive: 2 };

/** v1 and v2beta number PrivateLabelingSetting alike; anything else is refused. */
export function privateLabelingV1(n: number): number {
  if (!(n in v1.PrivateLabelingSetting) || n < 0) throw privateLabelingInvalid('private_labeling_setting');
  return n;
}

export function projectV1(p: Project): v1.Project {
  return create(v1.ProjectSchema, {
    id: p.id,
    name: p.name,
    state: STATE_NUMBER[p.state],
    projectRoleAssertion: p.projectRoleAssertion,
    projectRoleCheck: p.authorizationRequired,
    hasProjectCheck: p.projectAccessRequired,
    privateLabelingSetting: p.privateLabelingSetting,
    details: detailsV1({
      sequence: BigInt(p.sequence),
      creationDate: p.createdAt,
      changeDate: p.changedAt,
      resourceOwner: p.resourceOwner,
    }),
  });
}

/** A grant as the org it is granted to sees the project (v1 GrantedProject, also v1's project grant). */
export function grantedProjectV1(g: GrantView): v1.GrantedProject {
  return create(v1.GrantedProjectSchema, {
    grantId: g.id,
    grantedOrgId: g.grantedOrgId,
    grantedOrgName: g.grantedOrgName,
    grantedRoleKeys: g.roleKeys,
    state: STATE_NUMBER[g.state],
    projectId: g.projectId,
    projectName: g.projectName,
    projectOwnerId: g.resourceOwner,
    projectOwnerName: g.projectOwnerName,
    details: detailsV1({
      sequence: BigInt(g.sequence),
      creationDate: g.createdAt,
      changeDate: g.changedAt,
      resourceOwner: g.resourceOwner,
    }),
  });
}

export function roleV1(r: ProjectRole): v1.Role {
  return create(v1.RoleSchema, {
    key: r.key,
    displayName: r.displayName,
    group: r.group,
    details: detailsV1({
      sequence: 0n,
      creationDate: r.createdAt,
      changeDate: r.changedAt,
      resourceOwner: r.resourceOwner,
    }),
  });
}

/** v1 ProjectQuery and RoleQuery; an empty query is refused naming it. */
export function projectQueryV1(q: v1.ProjectQuery, field: string): ProjectFilter {
  switch (q.query.case) {
    case 'nameQuery':
      return { kind: 'name', match: textMatch(q.query.value.method), value: q.query.value.name };
    case 'projectResourceOwnerQuery':
      return { kind: 'owner', orgId: q.query.value.resourceOwner };
    default:
      throw filterMissing(field);
  }
}

export function roleQueryV1(q: v1.RoleQuery, field: string): RoleFilter {
  switch (q.query.case) {
    case 'keyQuery':
      return { kind: 'key', match: textMatch(q.query.value.method), value: q.query.value.key };
    case 'displayNameQuery':
      return { kind: 'displayName', match: textMatch(q.query.value.method), value: q.query.value.displayName };
    default:
      throw filterMissing(field);
  }
}

/** v1 ProjectQuery over the grants to an org (ListGrantedProjects). */
export function grantedProjectQueryV1(q: v1.ProjectQuery, field: string): GrantFilter {
  switch (q.query.case) {
    case 'nameQuery':
      return { kind: 'projectName', match: textMatch(q.query.value.method), value: q.query.value.name };
    case 'projectResourceOwnerQuery':
      return { kind: 'owner', orgId: q.query.value.resourceOwner };
    default:
      throw filterMissing(field);
  }
}

/** v1 ProjectGrantQuery and AllProjectGrantQuery (the latter adds project and granted org ids). */
export function grantQueryV1(q: v1.ProjectGrantQuery | v1.AllProjectGrantQuery, field: string): GrantFilter {
  const c = q.query;
  switch (c.case) {
    case 'projectNameQuery':
      return { kind: 'projectName', match: textMatch(c.value.method), value: c.value.name };
    case 'roleKeyQuery':
      return { kind: 'roleKey', match: textMatch(c.value.method), value: c.value.roleKey };
    case 'projectIdQuery':
      return { kind: 'projectIds', ids: [c.value.projectId] };
    case 'grantedOrgIdQuery':
      return { kind: 'grantedTo', orgId: c.value.grantedOrgId };
    default:
      throw filterMissing(field);
  }
}
