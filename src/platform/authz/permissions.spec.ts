import {
  hasPermission,
  memberOrgs,
  orgsWithPermission,
  permissionsOfRoles,
  ROLE_PERMISSIONS,
  rolesGrant,
  ROLES_BY_LEVEL,
  scopesWithPermission,
  type MembershipGrant,
  type Permission,
  type PermissionTarget,
  zitadelPermissionsIn,
} from './permissions.js';

const instanceId = 'inst';
const grant = (level: MembershipGrant['level'], resourceId: string, roles: string[]): MembershipGrant => ({
  level,
  resourceId,
  resourceOwner: level === 'instance' ? instanceId : 'orgA',
  roles,
});

/** A PROJECT_GRANT_* membership on grant g1: project p1 of orgA, granted to orgB. */
const grantMember = (
  roles: string[],
  projectGrant: MembershipGrant['projectGrant'] = { projectId: 'p1', grantedOrgId: 'orgB' },
): MembershipGrant => ({
  level: 'project_grant',
  resourceId: 'g1',
  resourceOwner: 'orgA',
  roles,
  projectGrant,
});

describe('hasPermission', () => {
  it.each<[string, MembershipGrant[], Permission, PermissionTarget, boolean]>([
    [
      'IAM_OWNER may write any org',
      [grant('instance', instanceId, ['IAM_OWNER'])],
      'org.write',
      { orgId: 'orgB' },
      true,
    ],
    [
      'IAM_OWNER of another instance may not',
      [grant('instance', 'other', ['IAM_OWNER'])],
      'org.write',
      { orgId: 'orgB' },
      false,
    ],
    ['ORG_OWNER may write its org', [grant('org', 'orgA', ['ORG_OWNER'])], 'org.write', { orgId: 'orgA' }, true],
    [
      'ORG_OWNER may not write another org',
      [grant('org', 'orgA', ['ORG_OWNER'])],
      'org.write',
      { orgId: 'orgB' },
      false,
    ],
    [
      'ORG_OWNER_VIEWER may read but not write',
      [grant('org', 'orgA', ['ORG_OWNER_VIEWER'])],
      'org.write',
      { orgId: 'orgA' },
      false,
    ],
    ['ORG_OWNER_VIEWER reads', [grant('org', 'orgA', ['ORG_OWNER_VIEWER'])], 'org.read', { orgId: 'orgA' }, true],
    ['method-level check counts any org', [grant('org', 'orgA', ['ORG_OWNER'])], 'org.read', {}, true],
    [
      'project owner reads its project',
      [grant('project', 'p1', ['PROJECT_OWNER'])],
      'project.read',
      { projectId: 'p1' },
      true,
    ],
    [
      'project owner not another project',
      [grant('project', 'p1', ['PROJECT_OWNER'])],
      'project.read',
      { projectId: 'p2' },
      false,
    ],
    [
      'project owner is no org reader',
      [grant('project', 'p1', ['PROJECT_OWNER'])],
      'org.write',
      { orgId: 'orgA' },
      false,
    ],
    ['unknown role grants nothing', [grant('instance', instanceId, ['NOPE'])], 'org.read', {}, false],
    ['no memberships: denied', [], 'org.read', {}, false],
    [
      'IAM_LOGIN_CLIENT may not create orgs',
      [grant('instance', instanceId, ['IAM_LOGIN_CLIENT'])],
      'org.create',
      {},
      false,
    ],
    // The instance itself: only instance memberships count, whatever the role says.
    [
      'IAM_OWNER writes instance members',
      [grant('instance', instanceId, ['IAM_OWNER'])],
      'iam.member.write',
      { instance: true },
      true,
    ],
    [
      'an org grant never covers the instance',
      [grant('org', 'orgA', ['ORG_OWNER'])],
      'org.read',
      { instance: true },
      false,
    ],
    [
      'a project grant never covers the instance',
      [grant('project', 'p1', ['PROJECT_OWNER'])],
      'project.read',
      { instance: true },
      false,
    ],
    // Project grants: the grant itself, or the granted project in the granted org.
    [
      'PROJECT_GRANT_OWNER writes user grants on its grant',
      [grantMember(['PROJECT_GRANT_OWNER'])],
      'user.grant.write',
      { orgId: 'orgB', projectId: 'p1', projectGrantId: 'g1' },
      true,
    ],
    [
      'PROJECT_GRANT_OWNER covers the granted project for the granted org',
      [grantMember(['PROJECT_GRANT_OWNER'])],
      'project.read',
      { orgId: 'orgB', projectId: 'p1' },
      true,
    ],
    [
      'PROJECT_GRANT_OWNER not the project in its own org',
      [grantMember(['PROJECT_GRANT_OWNER'])],
      'project.read',
      { orgId: 'orgA', projectId: 'p1' },
      false,
    ],
    [
      'PROJECT_GRANT_OWNER not another grant of the project',
      [grantMember(['PROJECT_GRANT_OWNER'])],
      'user.grant.write',
      { orgId: 'orgC', projectId: 'p1', projectGrantId: 'g2' },
      false,
    ],
    [
      'PROJECT_GRANT_OWNER not another project',
      [grantMember(['PROJECT_GRANT_OWNER'])],
      'project.read',
      { orgId: 'orgB', projectId: 'p2' },
      false,
    ],
    [
      'PROJECT_GRANT_OWNER is no org reader',
      [grantMember(['PROJECT_GRANT_OWNER'])],
      'org.read',
      { orgId: 'orgB' },
      false,
    ],
    [
      'PROJECT_GRANT_OWNER may not write project roles',
      [grantMember(['PROJECT_GRANT_OWNER'])],
      'project.role.write',
      { orgId: 'orgB', projectId: 'p1' },
      false,
    ],
    [
      'PROJECT_GRANT_OWNER_VIEWER reads but does not write',
      [grantMember(['PROJECT_GRANT_OWNER_VIEWER'])],
      'user.grant.write',
      { orgId: 'orgB', projectId: 'p1', projectGrantId: 'g1' },
      false,
    ],
    [
      'a grant membership whose grant is gone covers no project',
      [{ ...grantMember(['PROJECT_GRANT_OWNER']), projectGrant: undefined }],
      'project.read',
      { orgId: 'orgB', projectId: 'p1' },
      false,
    ],
    [
      'method-level check counts a grant membership',
      [grantMember(['PROJECT_GRANT_OWNER'])],
      'user.grant.write',
      {},
      true,
    ],
    // The granted org's owner manages authorizations on the grant, not the project itself.
    [
      'granted org owner writes user grants on the grant',
      [grant('org', 'orgB', ['ORG_OWNER'])],
      'user.grant.write',
      { orgId: 'orgB', projectId: 'p1', projectGrantId: 'g1' },
      true,
    ],
    [
      'granted org owner may not write the project roles',
      [grant('org', 'orgB', ['ORG_OWNER'])],
      'project.role.write',
      { orgId: 'orgA', projectId: 'p1' },
      false,
    ],
    [
      'project org owner may not write the granted org user grants',
      [grant('org', 'orgA', ['ORG_OWNER'])],
      'user.grant.write',
      { orgId: 'orgB', projectId: 'p1', projectGrantId: 'g1' },
      false,
    ],
    [
      'PROJECT_OWNER covers user grants on its project grants',
      [grant('project', 'p1', ['PROJECT_OWNER'])],
      'user.grant.write',
      { orgId: 'orgB', projectId: 'p1', projectGrantId: 'g1' },
      true,
    ],
  ])('%s', (_name, grants, permission, target, expected) => {
    expect(hasPermission(grants, instanceId, permission, target)).toBe(expected);
  });

  it('gives every role only known-shaped permissions', () => {
    for (const perms of Object.values(ROLE_PERMISSIONS))
      for (const p of perms) expect(p).toMatch(/^[a-z_]+(\.[a-z_]+)+$/);
  });
});

describe('ROLES_BY_LEVEL', () => {
  it('gives each level its own role prefix', () => {
    expect(ROLES_BY_LEVEL.instance.every((r) => r.startsWith('IAM_'))).toBe(true);
    expect(ROLES_BY_LEVEL.org.every((r) => r.startsWith('ORG_'))).toBe(true);
    expect(ROLES_BY_LEVEL.project).toEqual(['PROJECT_OWNER', 'PROJECT_OWNER_VIEWER', 'PROJECT_OWNER_GLOBAL']);
    expect(ROLES_BY_LEVEL.project_grant).toEqual(['PROJECT_GRANT_OWNER', 'PROJECT_GRANT_OWNER_VIEWER']);
  });
});

describe('scopesWithPermission', () => {
  it('is all for an instance grant, else the orgs, projects and grants', () => {
    expect(scopesWithPermission([grant('instance', instanceId, ['IAM_OWNER'])], instanceId, 'user.grant.read')).toBe(
      'all',
    );
    expect(
      scopesWithPermission(
        [
          grant('org', 'orgA', ['ORG_OWNER']),
          grant('project', 'p2', ['PROJECT_OWNER_VIEWER']),
          grantMember(['PROJECT_GRANT_OWNER']),
          grant('org', 'orgC', ['ORG_PROJECT_CREATOR']),
        ],
        instanceId,
        'user.grant.read',
      ),
    ).toEqual({ orgs: ['orgA'], projects: ['p2'], projectGrants: ['g1'] });
  });
});

describe('orgsWithPermission', () => {
  it('is all for an instance grant, else the org ids', () => {
    expect(orgsWithPermission([grant('instance', instanceId, ['IAM_OWNER_VIEWER'])], instanceId, 'org.read')).toBe(
      'all',
    );
    expect(
      orgsWithPermission(
        [grant('org', 'orgA', ['ORG_OWNER']), grant('org', 'orgB', ['ORG_USER_SELF_MANAGER'])],
        instanceId,
        'org.write',
      ),
    ).toEqual(['orgA']);
  });
});

describe('rolesGrant', () => {
  // A permission read from outside the code (no literal) may name none of the table's: it grants nothing.
  const unknown = 'no.such.permission' as Permission;
  const permissions = [...new Set(Object.values(ROLE_PERMISSIONS).flat()), unknown];
  const roleSets = [
    [],
    ['NO_SUCH_ROLE'],
    ...Object.keys(ROLE_PERMISSIONS).map((r) => [r]),
    ['ORG_OWNER_VIEWER', 'PROJECT_OWNER'],
    ['NO_SUCH_ROLE', 'IAM_OWNER'],
  ];

  it("grants exactly what the roles' permissions hold, for every role and permission", () => {
    for (const roles of roleSets) {
      const all = permissionsOfRoles(roles);
      for (const permission of permissions)
        expect([roles, permission, rolesGrant(roles, permission)]).toEqual([roles, permission, all.has(permission)]);
    }
  });

  it('grants nothing for unknown roles or permissions', () => {
    expect(rolesGrant(['NO_SUCH_ROLE'], 'org.read')).toBe(false);
    expect(rolesGrant(['IAM_OWNER'], unknown)).toBe(false);
  });
});

describe('Permission', () => {
  // Checked by the type checker (npm run typecheck): the directive fails the build if the line compiles.
  it('is the union of the role table, so a misspelt permission does not compile', () => {
    const spelt: Permission = 'user.write';
    // @ts-expect-error 'user.writ' is granted by no role
    const typo: Permission = 'user.writ';
    expect(rolesGrant(['ORG_OWNER'], spelt)).toBe(true);
    expect(rolesGrant(['ORG_OWNER'], typo)).toBe(false);
  });

  it('holds every permission some role grants (the table is where the type comes from)', () => {
    const granted = new Set<Permission>(Object.values(ROLE_PERMISSIONS).flat());
    expect(granted.has('user.write')).toBe(true);
    expect(granted.has('iam.web_key.delete')).toBe(true);
  });
});

describe('zitadelPermissionsIn (ZITADEL MyZitadelPermissions: memberships whose owner is the org or the instance, or granted to the org)', () => {
  const orgOwner = { level: 'org' as const, resourceId: 'orgA', resourceOwner: 'orgA', roles: ['ORG_OWNER_VIEWER'] };
  const otherOrg = { level: 'org' as const, resourceId: 'orgC', resourceOwner: 'orgC', roles: ['ORG_OWNER'] };
  const projectOwner = {
    level: 'project' as const,
    resourceId: 'p9',
    resourceOwner: 'orgA',
    roles: ['PROJECT_OWNER_VIEWER'],
  };

  it("lists an org membership's permissions plainly and a project's with the project id, only for that org", () => {
    const perms = zitadelPermissionsIn([orgOwner, otherOrg, projectOwner], instanceId, 'orgA');
    expect(perms).toContain('org.read');
    expect(perms).toContain('project.read:p9');
    expect(perms).not.toContain('org.write');
    expect(new Set(perms).size).toBe(perms.length);
    expect(zitadelPermissionsIn([orgOwner, otherOrg], instanceId, 'orgC')).toEqual([
      ...permissionsOfRoles(['ORG_OWNER']),
    ]);
  });

  it('counts instance memberships everywhere and project grant memberships in the granted org only', () => {
    const iam = grant('instance', instanceId, ['IAM_OWNER_VIEWER']);
    expect(zitadelPermissionsIn([iam], instanceId, 'anyOrg')).toEqual([...permissionsOfRoles(['IAM_OWNER_VIEWER'])]);
    expect(zitadelPermissionsIn([grant('instance', 'otherInstance', ['IAM_OWNER'])], instanceId, 'orgA')).toEqual([]);
    const granted = grantMember(['PROJECT_GRANT_OWNER_VIEWER']);
    expect(zitadelPermissionsIn([granted], instanceId, 'orgB')).toContain('project.grant.read:g1');
    expect(zitadelPermissionsIn([granted], instanceId, 'orgX')).toEqual([]);
  });
});

describe('memberOrgs (ZITADEL ListMyProjectOrgs for its console: the orgs of the memberships)', () => {
  it('names org memberships by the org, project ones by the owning org, project grant ones by the granted org', () => {
    const project = { level: 'project' as const, resourceId: 'p1', resourceOwner: 'orgP', roles: ['PROJECT_OWNER'] };
    const org = { level: 'org' as const, resourceId: 'orgO', resourceOwner: 'orgO', roles: ['ORG_OWNER'] };
    expect((memberOrgs([org, project, grantMember(['PROJECT_GRANT_OWNER'])], instanceId) as string[]).sort()).toEqual([
      'orgB',
      'orgO',
      'orgP',
    ]);
    expect(memberOrgs([], instanceId)).toEqual([]);
  });

  it('answers every org for a member of this instance, not of another one', () => {
    expect(memberOrgs([grant('instance', instanceId, ['IAM_OWNER_VIEWER'])], instanceId)).toBe('all');
    expect(memberOrgs([grant('instance', 'elsewhere', ['IAM_OWNER'])], instanceId)).toEqual([]);
  });
});
