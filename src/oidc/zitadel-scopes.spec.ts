import {
  API_AUDIENCE_SCOPE,
  audienceOf,
  isAuthorizationScope,
  parseScopes,
  roleClaims,
  wantsRoles,
  type GrantedRole,
} from './zitadel-scopes.js';

describe('parseScopes', () => {
  it('reads nothing reserved from standard scopes, or from none at all', () => {
    const empty = {
      roleKeys: [],
      rolesOfAudienceProjects: false,
      roleOrgIds: [],
      audienceProjectIds: [],
      apiAudience: false,
      metadata: false,
      resourceOwner: false,
    };
    expect(parseScopes('openid profile email offline_access')).toEqual({
      ...empty,
      orgId: undefined,
      orgDomain: undefined,
      idpId: undefined,
    });
    expect(parseScopes(undefined)).toMatchObject(empty);
    expect(parseScopes('')).toMatchObject(empty);
  });

  it('reads every reserved scope, tolerating repeated spaces', () => {
    const parsed = parseScopes(
      [
        'openid',
        'urn:zitadel:iam:org:project:role:admin',
        'urn:zitadel:iam:org:project:role:reader',
        'urn:zitadel:iam:org:projects:roles',
        'urn:zitadel:iam:org:id:123',
        'urn:zitadel:iam:org:domain:primary:acme.example.com',
        'urn:zitadel:iam:org:roles:id:o1',
        'urn:zitadel:iam:org:roles:id:o2',
        'urn:zitadel:iam:org:project:id:p9:aud',
        API_AUDIENCE_SCOPE,
        'urn:zitadel:iam:user:metadata',
        'urn:zitadel:iam:user:resourceowner',
        'urn:zitadel:iam:org:idp:id:idp7',
      ].join('  '),
    );
    expect(parsed).toEqual({
      roleKeys: ['admin', 'reader'],
      rolesOfAudienceProjects: true,
      orgId: '123',
      orgDomain: 'acme.example.com',
      roleOrgIds: ['o1', 'o2'],
      audienceProjectIds: ['p9'],
      apiAudience: true,
      metadata: true,
      resourceOwner: true,
      idpId: 'idp7',
    });
  });

  it('ignores prefixes without a value and takes the first org id', () => {
    const parsed = parseScopes(
      'urn:zitadel:iam:org:project:role: urn:zitadel:iam:org:id: urn:zitadel:iam:org:id:a urn:zitadel:iam:org:id:b',
    );
    expect(parsed.roleKeys).toEqual([]);
    expect(parsed.orgId).toBe('a');
  });

  it('does not count the API audience scope as a project, nor a malformed audience scope', () => {
    const parsed = parseScopes(
      `${API_AUDIENCE_SCOPE} urn:zitadel:iam:org:project:id:p1:aud urn:zitadel:iam:org:project:id::aud urn:zitadel:iam:org:project:id:a:b:aud`,
    );
    expect(parsed.audienceProjectIds).toEqual(['p1']);
    expect(parsed.apiAudience).toBe(true);
  });
});

describe('audienceOf', () => {
  it('names the client and its project', () => {
    expect(audienceOf('client', 'project', 'openid', 'inst')).toEqual(['client', 'project']);
  });

  it('adds projects asked for by scope and the instance for the API audience, without duplicates', () => {
    expect(
      audienceOf(
        'client',
        'project',
        `openid urn:zitadel:iam:org:project:id:other:aud urn:zitadel:iam:org:project:id:project:aud ${API_AUDIENCE_SCOPE}`,
        'inst',
      ),
    ).toEqual(['client', 'project', 'other', 'inst']);
  });

  it('has no project for a client without one (a machine user)', () => {
    expect(audienceOf('machine', undefined, API_AUDIENCE_SCOPE, 'inst')).toEqual(['machine', 'inst']);
  });
});

describe('roleClaims', () => {
  const roles: GrantedRole[] = [
    { projectId: 'p1', role: 'admin', orgId: 'o1', orgDomain: 'one.example.com' },
    { projectId: 'p1', role: 'admin', orgId: 'o2', orgDomain: 'two.example.com' },
    { projectId: 'p1', role: 'reader', orgId: 'o1', orgDomain: 'one.example.com' },
    { projectId: 'p2', role: 'viewer', orgId: 'o1', orgDomain: 'one.example.com' },
  ];

  it("merges roles as {role: {orgId: domain}} per project, and the client's project also under the generic claim", () => {
    expect(roleClaims(roles, 'p1', parseScopes('openid'))).toEqual({
      'urn:zitadel:iam:org:project:p1:roles': {
        admin: { o1: 'one.example.com', o2: 'two.example.com' },
        reader: { o1: 'one.example.com' },
      },
      'urn:zitadel:iam:org:project:p2:roles': { viewer: { o1: 'one.example.com' } },
      'urn:zitadel:iam:org:project:roles': {
        admin: { o1: 'one.example.com', o2: 'two.example.com' },
        reader: { o1: 'one.example.com' },
      },
    });
  });

  it('narrows to the role keys asked for', () => {
    expect(roleClaims(roles, 'p1', parseScopes('urn:zitadel:iam:org:project:role:reader'))).toEqual({
      'urn:zitadel:iam:org:project:p1:roles': { reader: { o1: 'one.example.com' } },
      'urn:zitadel:iam:org:project:roles': { reader: { o1: 'one.example.com' } },
    });
  });

  it('narrows to the orgs asked for', () => {
    expect(roleClaims(roles, 'p1', parseScopes('urn:zitadel:iam:org:roles:id:o2'))).toEqual({
      'urn:zitadel:iam:org:project:p1:roles': { admin: { o2: 'two.example.com' } },
      'urn:zitadel:iam:org:project:roles': { admin: { o2: 'two.example.com' } },
    });
  });

  it('has no generic claim when the client has no project or no role on it', () => {
    expect(roleClaims(roles, undefined, parseScopes('openid'))).not.toHaveProperty([
      'urn:zitadel:iam:org:project:roles',
    ]);
    expect(roleClaims(roles, 'p3', parseScopes('openid'))).not.toHaveProperty(['urn:zitadel:iam:org:project:roles']);
    expect(roleClaims([], 'p1', parseScopes('openid'))).toEqual({});
    expect(roleClaims(roles, 'p1', parseScopes('urn:zitadel:iam:org:project:role:nobody'))).toEqual({});
  });
});

describe('wantsRoles', () => {
  it('when asserted by the project or app, or asked for by scope', () => {
    expect(wantsRoles(parseScopes('openid'), false)).toBe(false);
    expect(wantsRoles(parseScopes('openid'), true)).toBe(true);
    expect(wantsRoles(parseScopes('urn:zitadel:iam:org:project:role:admin'), false)).toBe(true);
    expect(wantsRoles(parseScopes('urn:zitadel:iam:org:projects:roles'), false)).toBe(true);
    // Narrowing the orgs alone asks for no roles.
    expect(wantsRoles(parseScopes('urn:zitadel:iam:org:roles:id:o1'), false)).toBe(false);
  });
});

describe('isAuthorizationScope', () => {
  it.each([
    'offline_access',
    API_AUDIENCE_SCOPE,
    'urn:zitadel:iam:org:project:id:p1:aud',
    'urn:zitadel:iam:org:project:role:admin',
    'urn:zitadel:iam:org:projects:roles',
    'urn:zitadel:iam:org:project:roles',
    'urn:zitadel:iam:org:id:o1',
    'urn:zitadel:iam:org:domain:primary:acme.example.com',
    'urn:zitadel:iam:org:roles:id:o1',
    'urn:zitadel:iam:org:idp:id:i1',
  ])('%s says what a token may do', (scope) => {
    expect(isAuthorizationScope(scope)).toBe(true);
  });

  it.each([
    'openid',
    'profile',
    'email',
    'phone',
    'address',
    'urn:zitadel:iam:user:metadata',
    'urn:zitadel:iam:user:resourceowner',
  ])('%s asks for claims about the user only', (scope) => {
    expect(isAuthorizationScope(scope)).toBe(false);
  });
});
