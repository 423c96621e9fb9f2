/**
 * ZITADEL's reserved scopes and the claim shapes they ask for; pure, so the rules are unit tested.
 * https://zitadel.com/docs/apis/openidoauth/scopes describes them; the claim names are ZITADEL's.
 */

/** The resource every access token is issued for (oidc-provider's resource indicator); never sent by clients. */
export const AUDIENCE_RESOURCE = 'urn:portcullis:audience';

export const PROJECT_ROLE = 'urn:zitadel:iam:org:project:role:';
const ALL_PROJECTS_ROLES = 'urn:zitadel:iam:org:projects:roles';
const ORG_ID = 'urn:zitadel:iam:org:id:';
const ORG_DOMAIN = 'urn:zitadel:iam:org:domain:primary:';
const ROLES_OF_ORG = 'urn:zitadel:iam:org:roles:id:';
const PROJECT_ID = 'urn:zitadel:iam:org:project:id:';
const PROJECT_ROLES_CLAIM = 'urn:zitadel:iam:org:project:roles';
const PROJECT_AUD = /^urn:zitadel:iam:org:project:id:([^:]+):aud$/;
export const API_AUDIENCE_SCOPE = 'urn:zitadel:iam:org:project:id:zitadel:aud';
const METADATA = 'urn:zitadel:iam:user:metadata';
const RESOURCE_OWNER = 'urn:zitadel:iam:user:resourceowner';
const IDP = 'urn:zitadel:iam:org:idp:id:';

export interface ZitadelScopes {
  /** Role keys asked for with `…:project:role:{key}`. */
  readonly roleKeys: readonly string[];
  /** `…:projects:roles`: the roles of every project in the audience. */
  readonly rolesOfAudienceProjects: boolean;
  /** `…:org:id:{id}`: the user must belong to this org. */
  readonly orgId?: string;
  /** `…:org:domain:primary:{domain}`: the user must belong to the org with this primary domain. */
  readonly orgDomain?: string;
  /** `…:org:roles:id:{orgId}`: only roles granted in these orgs. */
  readonly roleOrgIds: readonly string[];
  /** `…:project:id:{projectId}:aud`: projects added to the audience. */
  readonly audienceProjectIds: readonly string[];
  /** `…:project:id:zitadel:aud`: the token may call the Portcullis API. */
  readonly apiAudience: boolean;
  readonly metadata: boolean;
  readonly resourceOwner: boolean;
  readonly idpId?: string;
}

export function parseScopes(scope: string | undefined): ZitadelScopes {
  const scopes = (scope ?? '').split(' ').filter(Boolean);
  const after = (prefix: string) =>
    scopes.filter((s) => s.startsWith(prefix) && s.length > prefix.length).map((s) => s.slice(prefix.length));
  const audience: string[] = [];
  for (const s of scopes) {
    const m = PROJECT_AUD.exec(s);
    if (m && m[1] !== 'zitadel') audience.push(m[1]);
  }
  return {
    roleKeys: after(PROJECT_ROLE),
    rolesOfAudienceProjects: scopes.includes(ALL_PROJECTS_ROLES),
    orgId: after(ORG_ID)[0],
    orgDomain: after(ORG_DOMAIN)[0],
    roleOrgIds: after(ROLES_OF_ORG),
    audienceProjectIds: audience,
    apiAudience: scopes.includes(API_AUDIENCE_SCOPE),
    metadata: scopes.includes(METADATA),
    resourceOwner: scopes.includes(RESOURCE_OWNER),
    idpId: after(IDP)[0],
  };
}

/**
 * ZITADEL's authorization scopes: what a token may do (refresh, audiences, roles, org and IdP
 * selection), as opposed to which claims about the user it carries (`openid`, `profile`,
 * `urn:zitadel:iam:user:metadata`, …). Every `…:project:id:{id}:aud`, the API's included.
 */
export function isAuthorizationScope(scope: string): boolean {
  if (scope === 'offline_access' || scope === ALL_PROJECTS_ROLES || scope === PROJECT_ROLES_CLAIM) return true;
  return [PROJECT_ROLE, PROJECT_ID, ORG_ID, ORG_DOMAIN, ROLES_OF_ORG, IDP].some((prefix) => scope.startsWith(prefix));
}

/**
 * The `aud` of an access token: the client, its project, projects asked for by scope, and the
 * instance id standing for the Portcullis API itself (ZITADEL puts its own project's id there).
 */
export function audienceOf(
  clientId: string,
  projectId: string | undefined,
  scope: string,
  instanceId: string,
): string[] {
  const parsed = parseScopes(scope);
  const aud = [
    clientId,
    ...(projectId ? [projectId] : []),
    ...parsed.audienceProjectIds,
    ...(parsed.apiAudience ? [instanceId] : []),
  ];
  return [...new Set(aud)];
}

/** A user's role on a project as granted in one org: `{role: {orgId: orgPrimaryDomain}}` once merged. */
export interface GrantedRole {
  readonly projectId: string;
  readonly role: string;
  readonly orgId: string;
  readonly orgDomain: string;
}

export type RoleClaim = Record<string, Record<string, string>>;

/**
 * ZITADEL's role claims: `urn:zitadel:iam:org:project:roles` for the client's project, and
 * `urn:zitadel:iam:org:project:{projectId}:roles` for each project with roles. Role keys asked
 * for by scope narrow the roles (none asked: all of them); `…:org:roles:id:` narrows the orgs.
 */
export function roleClaims(
  roles: readonly GrantedRole[],
  clientProjectId: string | undefined,
  scopes: ZitadelScopes,
): Record<string, RoleClaim> {
  const wanted = roles.filter(
    (r) =>
      (!scopes.roleKeys.length || scopes.roleKeys.includes(r.role)) &&
      (!scopes.roleOrgIds.length || scopes.roleOrgIds.includes(r.orgId)),
  );
  const byProject = new Map<string, RoleClaim>();
  for (const r of wanted) {
    const claim = byProject.get(r.projectId) ?? {};
    (claim[r.role] ??= {})[r.orgId] = r.orgDomain;
    byProject.set(r.projectId, claim);
  }
  const claims: Record<string, RoleClaim> = {};
  for (const [projectId, claim] of byProject) claims[`urn:zitadel:iam:org:project:${projectId}:roles`] = claim;
  if (clientProjectId && byProject.has(clientProjectId)) claims[PROJECT_ROLES_CLAIM] = byProject.get(clientProjectId)!;
  return claims;
}

/** Whether role claims belong in a token: asked for by scope, or asserted by the project/app. */
export function wantsRoles(scopes: ZitadelScopes, asserted: boolean): boolean {
  return asserted || scopes.roleKeys.length > 0 || scopes.rolesOfAudienceProjects;
}
