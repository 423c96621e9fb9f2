import type { SystemRole } from '../config/system-api-users.js';

const SYSTEM_READ = [
  'system.instance.read',
  'system.domain.read',
  'system.iam.member.read',
  'system.debug.read',
  'system.feature.read',
  'system.limits.read',
  'system.quota.read',
] as const;

/**
 * ZITADEL's SystemAuthZ role mapping, limited to the system API's own permissions: a system user
 * acts on instances from outside and holds no permission inside one.
 */
const SYSTEM_ROLE_TABLE = {
  SYSTEM_OWNER: [
    ...SYSTEM_READ,
    'system.instance.write',
    'system.instance.delete',
    'system.domain.write',
    'system.domain.delete',
    'system.debug.write',
    'system.debug.delete',
    'system.feature.write',
    'system.feature.delete',
    'system.limits.write',
    'system.limits.delete',
    'system.quota.write',
    'system.quota.delete',
  ],
  SYSTEM_OWNER_VIEWER: SYSTEM_READ,
} as const satisfies Record<SystemRole, readonly string[]>;

/** A permission of the system API (`system.*`), as its descriptors annotate the methods. */
export type SystemPermission = (typeof SYSTEM_ROLE_TABLE)[SystemRole][number];

/** Whether any of a system user's roles gives the permission. */
export function systemRolesGrant(roles: readonly SystemRole[], permission: SystemPermission): boolean {
  return roles.some((r) => (SYSTEM_ROLE_TABLE[r] as readonly string[]).includes(permission));
}
