import { hasPermission, orgsWithPermission, ROLE_PERMISSIONS, type MembershipGrant } from './permissions.js';

const instanceId = 'inst';
const grant = (level: MembershipGrant['level'], resourceId: string, roles: string[]): MembershipGrant => ({
  level,
  resourceId,
  resourceOwner: level === 'instance' ? instanceId : 'orgA',
  roles,
});

describe('hasPermission', () => {
  it.each<[string, MembershipGrant[], string, { orgId?: string; projectId?: string }, boolean]>([
    ['IAM_OWNER may write any org', [grant('instance', instanceId, ['IAM_OWNER'])], 'org.write', { orgId: 'orgB' }, true],
    ['IAM_OWNER of another instance may not', [grant('instance', 'other', ['IAM_OWNER'])], 'org.write', { orgId: 'orgB' }, false],
    ['ORG_OWNER may write its org', [grant('org', 'orgA', ['ORG_OWNER'])], 'org.write', { orgId: 'orgA' }, true],
    ['ORG_OWNER may not write another org', [grant('org', 'orgA', ['ORG_OWNER'])], 'org.write', { orgId: 'orgB' }, false],
    ['ORG_OWNER_VIEWER may read but not write', [grant('org', 'orgA', ['ORG_OWNER_VIEWER'])], 'org.write', { orgId: 'orgA' }, false],
    ['ORG_OWNER_VIEWER reads', [grant('org', 'orgA', ['ORG_OWNER_VIEWER'])], 'org.read', { orgId: 'orgA' }, true],
    ['method-level check counts any org', [grant('org', 'orgA', ['ORG_OWNER'])], 'org.read', {}, true],
    ['project owner reads its project', [grant('project', 'p1', ['PROJECT_OWNER'])], 'project.read', { projectId: 'p1' }, true],
    ['project owner not another project', [grant('project', 'p1', ['PROJECT_OWNER'])], 'project.read', { projectId: 'p2' }, false],
    ['project owner is no org reader', [grant('project', 'p1', ['PROJECT_OWNER'])], 'org.write', { orgId: 'orgA' }, false],
    ['unknown role grants nothing', [grant('instance', instanceId, ['NOPE'])], 'org.read', {}, false],
    ['no memberships: denied', [], 'org.read', {}, false],
    ['IAM_LOGIN_CLIENT may not create orgs', [grant('instance', instanceId, ['IAM_LOGIN_CLIENT'])], 'org.create', {}, false],
  ])('%s', (_name, grants, permission, target, expected) => {
    expect(hasPermission(grants, instanceId, permission, target)).toBe(expected);
  });

  it('gives every role only known-shaped permissions', () => {
    for (const perms of Object.values(ROLE_PERMISSIONS)) for (const p of perms) expect(p).toMatch(/^[a-z_]+(\.[a-z_]+)+$/);
  });
});

describe('orgsWithPermission', () => {
  it('is all for an instance grant, else the org ids', () => {
    expect(orgsWithPermission([grant('instance', instanceId, ['IAM_OWNER_VIEWER'])], instanceId, 'org.read')).toBe('all');
    expect(
      orgsWithPermission([grant('org', 'orgA', ['ORG_OWNER']), grant('org', 'orgB', ['ORG_USER_SELF_MANAGER'])], instanceId, 'org.write'),
    ).toEqual(['orgA']);
  });
});
