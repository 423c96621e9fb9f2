import { column, type Filter, type TextMatch } from '../platform/database/list-query.js';
import type { Policies } from '../settings/policies.queries.js';
import { loginNames } from '../users/core/login-names.js';

/**
 * The short form of a user both AuthorizationService and InternalPermissionService answer with
 * (id, preferred login name, display name, org), read in the same query as the listed rows:
 * `u` is the user, `uo` the user's org. `owner` is the alias of the row holding `user_id`.
 */
export interface UserSummary {
  readonly id: string;
  readonly preferredLoginName: string;
  readonly displayName: string;
  readonly organizationId: string;
}

export const userSummaryJoin = (owner: string) =>
  `JOIN users u ON u.instance_id = ${owner}.instance_id AND u.id = ${owner}.user_id
   JOIN orgs uo ON uo.instance_id = u.instance_id AND uo.id = u.resource_owner`;

/** ZITADEL shows a machine's name where a human has a display name. */
const DISPLAY_NAME = 'COALESCE(u.display_name, u.machine_name, u.username)';

export const USER_SUMMARY_SELECT = `u.id AS user_id, u.username AS user_username, u.resource_owner AS user_org_id,
  ${DISPLAY_NAME} AS user_display_name, uo.primary_domain AS user_org_domain`;

export function userDisplayNameFilter(match: TextMatch, value: string): Filter {
  return { op: 'text', column: column(DISPLAY_NAME), match, value };
}

/**
 * The preferred login name is the username or `username@<primary org domain>`, as the org's
 * domain settings say; matching either form keeps the filter one indexed query.
 */
export function userLoginNameFilter(match: TextMatch, value: string): Filter {
  return {
    op: 'or',
    filters: [
      { op: 'text', column: column('u.username'), match, value },
      { op: 'text', column: column(`u.username || '@' || uo.primary_domain`), match, value },
    ],
  };
}

/** Maps rows to summaries, reading each org's domain settings once. */
export async function userSummaries(
  policies: Policies,
  instanceId: string,
  rows: readonly Record<string, any>[],
): Promise<UserSummary[]> {
  const mustBeDomain = new Map<string, Promise<boolean>>();
  const settingOf = (orgId: string) => {
    if (!mustBeDomain.has(orgId))
      mustBeDomain.set(
        orgId,
        policies.domainSettings(instanceId, orgId).then((s) => s.userLoginMustBeDomain),
      );
    return mustBeDomain.get(orgId)!;
  };
  return Promise.all(
    rows.map(async (r) => ({
      id: r.user_id as string,
      preferredLoginName: loginNames(r.user_username, [], r.user_org_domain, await settingOf(r.user_org_id)).preferred,
      displayName: r.user_display_name as string,
      organizationId: r.user_org_id as string,
    })),
  );
}
