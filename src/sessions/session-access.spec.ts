import type { MembershipGrant } from '../platform/authz/permissions.js';
import { hashToken } from '../platform/crypto/master-key.js';
import type { Caller } from '../platform/rpc/call-context.js';
import type { Instance } from '../platform/tenancy/instance.entity.js';
import { checkSessionAccess, type SessionAccess, type SessionOwnership } from './session-access.js';

const instance = { id: 'inst' } as Instance;
const session: SessionOwnership = {
  tokenHash: hashToken('tok'),
  userId: 'alice',
  userResourceOwner: 'orgA',
  creator: 'login',
};

function caller(userId: string, grants: MembershipGrant[] = []): Caller {
  return { instance, requestId: 'r', principal: { userId, instanceId: 'inst', orgId: 'orgX', method: 'pat', grants } };
}
const org = (resourceId: string, role: string): MembershipGrant => ({
  level: 'org',
  resourceId,
  resourceOwner: resourceId,
  roles: [role],
});
const iam = (role: string): MembershipGrant => ({
  level: 'instance',
  resourceId: 'inst',
  resourceOwner: 'inst',
  roles: [role],
});

const outcome = (c: Caller, access: SessionAccess, token?: string, s: SessionOwnership | null = session) => {
  try {
    checkSessionAccess(c, s ?? undefined, token, access);
    return 'ok';
  } catch (err) {
    return (err as { kind: string }).kind;
  }
};

describe('session access rules', () => {
  it.each([
    // who, access, token, outcome
    ['the session user', caller('alice'), 'read', undefined, 'ok'],
    ['the session user', caller('alice'), 'write', undefined, 'ok'],
    ['the session user', caller('alice'), 'delete', undefined, 'ok'],
    ['its creator', caller('login'), 'read', undefined, 'ok'],
    ['its creator', caller('login'), 'write', undefined, 'PermissionDenied'],
    ['a stranger', caller('bob'), 'read', undefined, 'NotFound'],
    ['a stranger', caller('bob'), 'delete', undefined, 'NotFound'],
    ['a stranger with the token', caller('bob'), 'write', 'tok', 'ok'],
    ['a stranger with the token', caller('bob'), 'delete', 'tok', 'ok'],
    ['a stranger with another token', caller('bob'), 'read', 'other', 'PermissionDenied'],
    [
      'the login client with another token',
      caller('lc', [iam('IAM_LOGIN_CLIENT')]),
      'read',
      'other',
      'PermissionDenied',
    ],
    ['the login client', caller('lc', [iam('IAM_LOGIN_CLIENT')]), 'delete', undefined, 'ok'],
    ["an owner of the user's org", caller('o', [org('orgA', 'ORG_OWNER')]), 'write', undefined, 'ok'],
    ['an owner of another org', caller('o', [org('orgB', 'ORG_OWNER')]), 'write', undefined, 'NotFound'],
    ["a viewer of the user's org", caller('v', [org('orgA', 'ORG_OWNER_VIEWER')]), 'read', undefined, 'ok'],
    [
      "a viewer of the user's org",
      caller('v', [org('orgA', 'ORG_OWNER_VIEWER')]),
      'delete',
      undefined,
      'PermissionDenied',
    ],
  ] as const)('%s, %s, token %s: %s', (_who, c, access, token, expected) => {
    expect(outcome(c, access, token)).toBe(expected);
  });

  it('leaves sessions without a user to instance-wide permissions, and missing ones are NOT_FOUND', () => {
    const userless = { ...session, userId: null, userResourceOwner: null };
    expect(outcome(caller('o', [org('orgA', 'ORG_OWNER')]), 'write', undefined, userless)).toBe('NotFound');
    expect(outcome(caller('lc', [iam('IAM_LOGIN_CLIENT')]), 'write', undefined, userless)).toBe('ok');
    expect(outcome(caller('lc', [iam('IAM_LOGIN_CLIENT')]), 'read', undefined, null)).toBe('NotFound');
    expect(outcome(caller('lc', [iam('IAM_LOGIN_CLIENT')]), 'read', 'tok', null)).toBe('PermissionDenied');
  });
});
