import { hasPermission, type Permission } from '../platform/authz/permissions.js';
import { sameTokenHash } from '../platform/crypto/master-key.js';
import type { Caller } from '../platform/rpc/call-context.js';
import { sessionNotFound, sessionTokenInvalid, sessionWriteDenied } from './sessions.errors.js';

/** What a caller wants to do with a session, and the permission that allows it for anyone's. */
export type SessionAccess = 'read' | 'write' | 'delete';
const PERMISSION: Record<SessionAccess, Permission> = {
  read: 'session.read',
  write: 'session.write',
  delete: 'session.delete',
};

/** The parts of a session row its access rules look at. */
export interface SessionOwnership {
  readonly tokenHash: string;
  readonly userId: string | null;
  readonly userResourceOwner: string | null;
  readonly creator: string;
}

/**
 * Whether the caller holds the permission for sessions of an org. A session without a user yet
 * belongs to no org, so only instance-wide grants cover it (an org grant never names the instance).
 */
export function hasSessionPermission(
  caller: Caller,
  permission: Permission,
  userResourceOwner: string | null,
): boolean {
  if (caller.system) return true;
  const principal = caller.principal;
  return (
    !!principal &&
    hasPermission(principal.grants, caller.instance.id, permission, { orgId: userResourceOwner ?? caller.instance.id })
  );
}

/**
 * ZITADEL's session rules. With a `session_token`, the token alone decides: it must be the
 * session's current one. Without, the session's own user may read, change and end it, its
 * creator may read it, and anyone else needs session.read / session.write / session.delete on
 * the org of the session's user. A session the caller may not even read answers as missing.
 */
export function checkSessionAccess(
  caller: Caller,
  session: SessionOwnership | undefined,
  token: string | undefined,
  access: SessionAccess,
): void {
  if (token) {
    if (!session || !sameTokenHash(session.tokenHash, token)) throw sessionTokenInvalid();
    return;
  }
  if (!session) throw sessionNotFound();
  if (caller.system) return;
  const userId = caller.principal?.userId;
  const own = userId !== undefined && session.userId === userId;
  const creator = userId !== undefined && session.creator === userId;
  if (
    own ||
    (access === 'read' && creator) ||
    hasSessionPermission(caller, PERMISSION[access], session.userResourceOwner)
  )
    return;
  if (creator || hasSessionPermission(caller, PERMISSION.read, session.userResourceOwner))
    throw sessionWriteDenied(PERMISSION[access]);
  throw sessionNotFound();
}
