// Who is signed in, in which organization, and what the API lets them do there: ZITADEL's
// ListMyZitadelPermissions in the org's context, asked again when the user switches orgs.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { call } from './api.js';

/**
 * @typedef {{
 *   userId: string, displayName: string, ownOrgId: string, orgId: string,
 *   permissions: ReadonlySet<string>, language: string,
 * }} Session
 */

const ORG_KEY = 'portcullis.console.org';

/** @type {import('preact').Context<{ session: Session, switchOrg: (id: string) => void, signOut: () => void } | null>} */
export const SessionContext = createContext(null);

export function useSession() {
  const value = useContext(SessionContext);
  if (!value) throw new Error('no session');
  return value;
}

/** The user's own record and the org the console last worked in (this tab), else the user's own. */
export async function loadSession() {
  const { user } = await call('zitadel.auth.v1.AuthService/GetMyUser');
  const ownOrgId = user.details?.resourceOwner ?? '';
  const orgId = sessionStorage.getItem(ORG_KEY) || ownOrgId;
  return withPermissions({
    userId: user.id,
    displayName: user.human?.profile?.displayName || user.preferredLoginName || user.userName,
    ownOrgId,
    orgId,
    permissions: new Set(),
    language: user.human?.profile?.preferredLanguage ?? '',
  });
}

/** @param {Session} session */
export async function withPermissions(session) {
  sessionStorage.setItem(ORG_KEY, session.orgId);
  const { result } = await call('zitadel.auth.v1.AuthService/ListMyZitadelPermissions', {}, { orgId: session.orgId });
  return { ...session, permissions: new Set(/** @type {string[]} */ (result ?? [])) };
}

/**
 * Whether the user holds a permission in the current org (or on any project there, which
 * ZITADEL lists as `permission:<id>`).
 * @param {Session} session
 * @param {string} permission
 */
export function can(session, permission) {
  if (session.permissions.has(permission)) return true;
  for (const p of session.permissions) if (p.startsWith(`${permission}:`)) return true;
  return false;
}
