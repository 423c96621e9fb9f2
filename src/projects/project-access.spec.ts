import type { MembershipGrant, Permission } from '../platform/authz/permissions.js';
import type { Caller } from '../platform/rpc/call-context.js';
import type { Instance } from '../platform/tenancy/instance.entity.js';
import { mayOnProject, mayThroughGrant } from './project-access.js';

const instance = { id: 'inst' } as Instance;
const caller = (...grants: MembershipGrant[]): Caller => ({
  instance,
  requestId: 'test',
  principal: { userId: 'u', instanceId: 'inst', orgId: 'orgA', method: 'pat', grants },
});
const member = (
  level: MembershipGrant['level'],
  resourceId: string,
  roles: string[],
  resourceOwner = 'orgA',
): MembershipGrant => ({ level, resourceId, resourceOwner, roles });

/** Project p1 of orgA, granted to orgB by grant g1. */
const p1 = { id: 'p1', resourceOwner: 'orgA' };
const g1 = { id: 'g1', projectId: 'p1', grantedOrgId: 'orgB' };

describe('mayOnProject', () => {
  it.each<[string, Caller, Permission, boolean]>([
    ["the project org's owner writes it", caller(member('org', 'orgA', ['ORG_OWNER'])), 'project.write', true],
    [
      "the project org's viewer reads, does not write",
      caller(member('org', 'orgA', ['ORG_OWNER_VIEWER'])),
      'project.write',
      false,
    ],
    ["another org's owner does nothing", caller(member('org', 'orgC', ['ORG_OWNER'])), 'project.read', false],
    [
      "the granted org's owner does not act on the project itself",
      caller(member('org', 'orgB', ['ORG_OWNER'])),
      'project.read',
      false,
    ],
    [
      'PROJECT_OWNER on it writes roles',
      caller(member('project', 'p1', ['PROJECT_OWNER'])),
      'project.role.write',
      true,
    ],
    [
      'PROJECT_OWNER on another project does not',
      caller(member('project', 'p2', ['PROJECT_OWNER'])),
      'project.role.write',
      false,
    ],
    [
      'PROJECT_OWNER on it deletes it (ZITADEL gives it project.delete)',
      caller(member('project', 'p1', ['PROJECT_OWNER'])),
      'project.delete',
      true,
    ],
    ['IAM_OWNER writes any project', caller(member('instance', 'inst', ['IAM_OWNER'], 'inst')), 'project.write', true],
    ['the system passes', { instance, requestId: 't', principal: undefined, system: true }, 'project.delete', true],
    ['no principal: nothing', { instance, requestId: 't', principal: undefined }, 'project.read', false],
  ])('%s', (_name, who, permission, expected) => {
    expect(mayOnProject(who, permission, p1)).toBe(expected);
  });
});

describe('mayThroughGrant', () => {
  it.each<[string, Caller, Permission, boolean]>([
    [
      "the granted org's owner reads the granted project",
      caller(member('org', 'orgB', ['ORG_OWNER'])),
      'project.read',
      true,
    ],
    [
      "the granted org's owner reads its roles",
      caller(member('org', 'orgB', ['ORG_OWNER'])),
      'project.role.read',
      true,
    ],
    ["another org's owner does not", caller(member('org', 'orgC', ['ORG_OWNER'])), 'project.read', false],
    [
      'PROJECT_GRANT_OWNER on the grant reads it',
      caller({
        ...member('project_grant', 'g1', ['PROJECT_GRANT_OWNER']),
        projectGrant: { projectId: 'p1', grantedOrgId: 'orgB' },
      }),
      'project.read',
      true,
    ],
    [
      'PROJECT_GRANT_OWNER on another grant does not',
      caller({
        ...member('project_grant', 'g2', ['PROJECT_GRANT_OWNER']),
        projectGrant: { projectId: 'p2', grantedOrgId: 'orgB' },
      }),
      'project.read',
      false,
    ],
  ])('%s', (_name, who, permission, expected) => {
    expect(mayThroughGrant(who, permission, g1)).toBe(expected);
  });
});
