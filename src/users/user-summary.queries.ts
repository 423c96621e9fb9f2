import { joinOrg } from '../orgs/orgs.queries.js';
import { joinedTable } from '../platform/database/joined-table.js';
import { column, type Filter, type TextMatch } from '../platform/database/list-query.js';
import type { Policies } from '../settings/policies.queries.js';
import { loginNames } from './core/login-names.js';

/**
 * The short form of a user both AuthorizationService and InternalPermissionService answer with
 * (id, preferred login name, display name, org), read in the same statement as their listed rows,
 * which filter and sort on the user (see `joinedTable`): `u` is the user, `uo` the user's org.
 */
export interface UserSummary {
  readonly id: string;
  readonly preferredLoginName: string;
  readonly displayName: string;
  readonly organizationId: string;
}

const joinUser = joinedTable('users');

/** Joins the user (`u`) and its org (`uo`) of the rows of `owner` (the alias of the row holding `user_id`). */
export const userSummaryJoin = (owner: string) =>
  `${joinUser('u', { instanceId: `${owner}.instance_id`, id: `${owner}.user_id` })}
   ${joinOrg('uo', { instanceId: 'u.instance_id', id: 'u.resource_owner' })}`;

/** ZITADEL shows a machine's name where a human has a display name. */
const DISPLAY_NAME = 'COALESCE(u.display_name, u.machine_name, u.username)';

/** The summary's columns, and what v1 shows beside it: the user's type, names, email and org name. */
export const USER_SUMMARY_SELECT = `u.id AS user_id, u.username AS user_username, u.resource_owner AS user_org_id,
  ${DISPLAY_NAME} AS user_display_name, uo.primary_domain AS user_org_domain, uo.name AS user_org_name,
  u.type AS user_type, u.email AS user_email, u.given_name AS user_given_name, u.family_name AS user_family_name`;

/** The user's columns the lists filter and sort on. */
export const USER_COLUMNS = {
  orgId: 'u.resource_owner',
  username: 'u.username',
  givenName: 'u.given_name',
  familyName: 'u.family_name',
  email: 'u.email',
  type: 'u.type',
} as const;

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
