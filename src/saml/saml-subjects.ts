import { Injectable } from '@nestjs/common';
import type { FunctionSubject } from '../actions/function-executions.js';
import { Transactions } from '../platform/database/transactions.js';
import { AuthorizationQueries } from '../authorizations/authorizations.queries.js';
import { ProjectStore } from '../projects/projects.store.js';
import { UserLookups } from '../users/user-lookups.queries.js';
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

/** The user as a `presamlresponse` target receives it (ZITADEL's `user`). */
export function functionSubjectOf(subject: SamlSubject): FunctionSubject {
  return {
    userId: subject.userId,
    user: {
      id: subject.userId,
      username: subject.username,
      preferred_login_name: subject.loginName,
      human: {
        first_name: subject.givenName,
        last_name: subject.familyName,
        display_name: subject.displayName,
        email: subject.email,
      },
    },
  };
}

/**
 * Who an assertion is about: the user (users), the authorizations on the app's project
 * (authorizations) and whether the user's org may use the project (projects).
 */
@Injectable()
export class SamlSubjects {
  constructor(
    private readonly tx: Transactions,
    private readonly users: UserLookups,
    private readonly authorizations: AuthorizationQueries,
    private readonly projects: ProjectStore,
  ) {}

  async load(
    instanceId: string,
    userId: string,
    projectId: string,
    projectOrgId: string,
  ): Promise<SamlSubject | undefined> {
    const user = await this.users.profile(instanceId, userId);
    if (!user) return undefined;
    const { authorized, roleKeys } = await this.authorizations.activeRoleKeys(instanceId, userId, projectId);
    return {
      userId: user.id,
      username: user.username,
      loginName: user.preferredLoginName,
      email: user.email,
      givenName: user.givenName,
      familyName: user.familyName,
      displayName: user.displayName,
      roles: roleKeys,
      authorized,
      orgHasProject:
        user.resourceOwner === projectOrgId ||
        (await this.projects.orgHasAccess(this.tx.reader, instanceId, projectId, user.resourceOwner)),
    };
  }
}
