import { Injectable } from '@nestjs/common';
import { Transactions } from '../platform/database/transactions.js';
import { Policies } from '../settings/policies.queries.js';
import { loginNames } from '../users/core/login-names.js';
import { NAMEID, ROLES_ATTRIBUTE } from './saml-xml.js';

/** Who an assertion is about, and what the app's project allows them. */
export interface SamlSubject {
  readonly userId: string;
  readonly username: string;
  readonly loginName: string;
  readonly email: string | null;
  readonly givenName: string | null;
  readonly familyName: string | null;
  readonly displayName: string | null;
  /** Role keys of the user's active authorizations on the project. */
  readonly roles: readonly string[];
  /** ZITADEL's hasProjectCheck: the user's org owns the project or holds an active grant of it. */
  readonly orgHasProject: boolean;
  /** ZITADEL's projectRoleCheck: the user has an active authorization on the project. */
  readonly authorized: boolean;
}

/** NameID per format: persistent = user id, emailAddress = email, unspecified = login name. */
export function nameIdFor(subject: SamlSubject, format: string): string | undefined {
  if (format === NAMEID.persistent) return subject.userId;
  if (format === NAMEID.emailAddress) return subject.email ?? undefined;
  return subject.loginName;
}

/** ZITADEL's SAML attribute names, plus the project roles. */
export function attributesOf(subject: SamlSubject): Record<string, string[]> {
  const one = (v: string | null) => (v ? [v] : []);
  const fullName = subject.displayName || [subject.givenName, subject.familyName].filter(Boolean).join(' ') || null;
  return {
    Email: one(subject.email),
    FirstName: one(subject.givenName),
    SurName: one(subject.familyName),
    FullName: one(fullName),
    UserName: one(subject.loginName),
    UserID: [subject.userId],
    [ROLES_ATTRIBUTE]: [...subject.roles],
  };
}

@Injectable()
export class SamlSubjects {
  constructor(
    private readonly tx: Transactions,
    private readonly policies: Policies,
  ) {}

  async load(
    instanceId: string,
    userId: string,
    projectId: string,
    projectOrgId: string,
  ): Promise<SamlSubject | undefined> {
    const [u] = await this.tx.reader.query(
      `SELECT u.id, u.username, u.email, u.given_name, u.family_name, u.display_name, u.resource_owner, o.primary_domain,
              ARRAY(SELECT d.domain FROM org_domains d WHERE d.instance_id = u.instance_id AND d.org_id = u.resource_owner AND d.is_verified) AS domains,
              ARRAY(SELECT DISTINCT k FROM user_grants g, unnest(g.role_keys) k
                     WHERE g.instance_id = u.instance_id AND g.user_id = u.id AND g.project_id = $3 AND g.state = 'active' ORDER BY k) AS roles,
              EXISTS (SELECT 1 FROM user_grants g WHERE g.instance_id = u.instance_id AND g.user_id = u.id AND g.project_id = $3 AND g.state = 'active') AS authorized,
              (u.resource_owner = $4 OR EXISTS (SELECT 1 FROM project_grants pg WHERE pg.instance_id = u.instance_id AND pg.project_id = $3
                                                 AND pg.granted_org_id = u.resource_owner AND pg.state = 'active')) AS org_has_project
         FROM users u JOIN orgs o ON o.instance_id = u.instance_id AND o.id = u.resource_owner
        WHERE u.instance_id = $1 AND u.id = $2`,
      [instanceId, userId, projectId, projectOrgId],
    );
    if (!u) return undefined;
    const domain = await this.policies.domainSettings(instanceId, u.resource_owner);
    const names = loginNames(
      u.username,
      u.domains ?? [],
      u.primary_domain ?? '',
      domain.userLoginMustBeDomain && !!u.primary_domain,
    );
    return {
      userId: u.id,
      username: u.username,
      loginName: names.preferred,
      email: u.email,
      givenName: u.given_name,
      familyName: u.family_name,
      displayName: u.display_name,
      roles: u.roles ?? [],
      authorized: u.authorized,
      orgHasProject: u.org_has_project,
    };
  }
}
