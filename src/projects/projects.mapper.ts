import { create } from '@bufbuild/protobuf';
import * as pb from '@zitadel/proto/zitadel/project/v2beta/query_pb.js';
import { ts } from '../platform/rpc/proto-mapping.js';
import type { ProjectRole, ProjectState } from './project.entity.js';
import type { GrantView } from './project-grants.service.js';
import type { ProjectView } from './projects.service.js';

/** ProjectState, GrantedProjectState and ProjectGrantState share their numbers. */
const STATE_NUMBER: Record<ProjectState, number> = { active: 1, inactive: 2 };

export function projectV2beta(p: ProjectView): pb.Project {
  return create(pb.ProjectSchema, {
    id: p.id,
    organizationId: p.resourceOwner,
    creationDate: ts(p.createdAt),
    changeDate: ts(p.changedAt),
    name: p.name,
    state: STATE_NUMBER[p.state],
    projectRoleAssertion: p.projectRoleAssertion,
    authorizationRequired: p.authorizationRequired,
    projectAccessRequired: p.projectAccessRequired,
    privateLabelingSetting: p.privateLabelingSetting,
    ...(p.granted
      ? {
          grantedOrganizationId: p.granted.orgId,
          grantedOrganizationName: p.granted.orgName,
          grantedState: STATE_NUMBER[p.granted.state],
        }
      : {}),
  });
}

export function roleV2beta(r: ProjectRole): pb.ProjectRole {
  return create(pb.ProjectRoleSchema, {
    projectId: r.projectId,
    key: r.key,
    creationDate: ts(r.createdAt),
    changeDate: ts(r.changedAt),
    displayName: r.displayName,
    group: r.group,
  });
}

export function grantV2beta(g: GrantView): pb.ProjectGrant {
  return create(pb.ProjectGrantSchema, {
    organizationId: g.resourceOwner,
    creationDate: ts(g.createdAt),
    changeDate: ts(g.changedAt),
    grantedOrganizationId: g.grantedOrgId,
    grantedOrganizationName: g.grantedOrgName,
    grantedRoleKeys: g.roleKeys,
    projectId: g.projectId,
    projectName: g.projectName,
    state: STATE_NUMBER[g.state],
  });
}
