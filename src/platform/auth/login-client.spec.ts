import { hasPermission, type Permission, type PermissionTarget } from '../authz/permissions.js';
import type { Instance } from '../tenancy/instance.entity.js';
import { assertMethodAllowed, CALLER_LIMITED_ID } from './auth.errors.js';
import { LOGIN_CLIENT_ID, loginClientPrincipal } from './login-client.js';
import type { Principal } from './principal.js';

const instance = {
  id: 'inst-1',
  name: 'one',
  defaultOrgId: 'org-1',
  primaryDomain: 'one.example',
  createdAt: new Date(),
} as Instance;

describe("the hosted login's principal", () => {
  const login = loginClientPrincipal(instance);

  it('is the login client, no user, and holds IAM_LOGIN_CLIENT on its own instance only', () => {
    expect(login).toMatchObject({ userId: LOGIN_CLIENT_ID, method: 'login_client', instanceId: 'inst-1' });
    expect(login.grants).toEqual([
      { level: 'instance', resourceId: 'inst-1', resourceOwner: 'inst-1', roles: ['IAM_LOGIN_CLIENT'] },
    ]);
  });

  it.each<[string, Permission, string, PermissionTarget, boolean]>([
    ['finish logins (session.link) on its instance', 'session.link', 'inst-1', { instance: true } as const, true],
    ['read users of any org of its instance', 'user.read', 'inst-1', { orgId: 'org-9' }, true],
    ['not finish logins of another instance', 'session.link', 'inst-2', { instance: true } as const, false],
    ['not create orgs', 'org.create', 'inst-1', {}, false],
    ['not change instance settings', 'iam.write', 'inst-1', { instance: true } as const, false],
    ['not grant memberships', 'org.member.write', 'inst-1', { orgId: 'org-1' }, false],
  ])('may %s', (_what, permission, instanceId, target, allowed) => {
    expect(hasPermission(login.grants, instanceId, permission, target)).toBe(allowed);
  });
});

describe('assertMethodAllowed', () => {
  const base: Principal = { userId: 'u1', instanceId: 'inst-1', orgId: 'org-1', method: 'session', grants: [] };

  it('lets an unlimited caller call anything', () => {
    expect(() => assertMethodAllowed(base, 'zitadel.org.v2.OrganizationService/AddOrganization')).not.toThrow();
  });

  it('refuses a limited caller every method but its own, with the reason', () => {
    const limited: Principal = {
      ...base,
      limitedTo: { methods: new Set(['zitadel.user.v2.UserService/SetPassword']), reason: 'change the password first' },
    };
    expect(() => assertMethodAllowed(limited, 'zitadel.user.v2.UserService/SetPassword')).not.toThrow();
    expect(() => assertMethodAllowed(limited, 'zitadel.org.v2.OrganizationService/AddOrganization')).toThrow(
      expect.objectContaining({
        kind: 'PermissionDenied',
        id: CALLER_LIMITED_ID,
        message: expect.stringContaining('change the password first'),
      }),
    );
  });
});
