import { Injectable } from '@nestjs/common';
import type { UpstreamUser } from '../idps/connectors/connector.js';
import type { IdpKind, IdpOptions } from '../idps/idp-config.js';
import { IdpQueries } from '../idps/idps.queries.js';
import { IntentsService, type RetrievedIntent } from '../idps/intents.service.js';
import { IdpLinksService } from '../idps/links.service.js';
import { Transactions } from '../platform/database/transactions.js';
import { DomainError, isError } from '../platform/errors/domain-error.js';
import type { Caller } from '../platform/rpc/call-context.js';
import { Policies } from '../settings/policies.queries.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { USER_ERRORS } from '../users/users.errors.js';
import { UserQueries } from '../users/users.queries.js';
import { UsersService } from '../users/users.service.js';
import type { BrowserSession } from './login-browser.js';
import { LoginProblem } from './login.service.js';

/** A provider as the login name page offers it. */
export interface IdpButton {
  readonly idpId: string;
  readonly name: string;
  readonly kind: IdpKind;
  readonly options: IdpOptions;
}

/** The profile a new account gets from what the upstream said (ZITADEL's login maps the same fields). */
export interface UpstreamProfile {
  readonly givenName: string;
  readonly familyName: string;
  readonly displayName?: string;
  readonly nickName?: string;
  readonly email: string;
  readonly emailVerified: boolean;
  readonly username?: string;
  readonly preferredLanguage?: string;
}

/** A given or family name an upstream left out: ZITADEL's login falls back to the display name, then the id. */
export function upstreamProfile(user: UpstreamUser): UpstreamProfile {
  const display = user.displayName?.trim();
  const [first, ...rest] = (display ?? '').split(/\s+/);
  return {
    givenName: user.givenName?.trim() || first || user.preferredUsername || user.id,
    familyName: user.familyName?.trim() || rest.join(' ') || user.preferredUsername || user.id,
    ...(display ? { displayName: display } : {}),
    ...(user.nickName ? { nickName: user.nickName } : {}),
    email: user.email?.trim() ?? '',
    emailVerified: user.emailVerified === true,
    ...(user.preferredUsername ? { username: user.preferredUsername } : {}),
    ...(user.preferredLanguage ? { preferredLanguage: user.preferredLanguage } : {}),
  };
}

const NO_CHANGE = { metadata: {}, challenges: {} };

/**
 * Sign-in through external identity providers for the hosted login, as a client of the intents,
 * links, users and sessions services (ZITADEL's login calls StartIdentityProviderIntent,
 * RetrieveIdentityProviderIntent, AddHumanUser with idp_links, AddIDPLink, UpdateHumanUser and
 * CreateSession with the idpIntent check): nothing here decides more than which call comes next.
 */
@Injectable()
export class LoginIdps {
  constructor(
    private readonly tx: Transactions,
    private readonly idps: IdpQueries,
    private readonly intents: IntentsService,
    private readonly links: IdpLinksService,
    private readonly users: UsersService,
    private readonly userQueries: UserQueries,
    private readonly sessions: SessionsService,
    private readonly policies: Policies,
  ) {}

  /**
   * The providers the login policy in force for the org offers (the instance's when no org is
   * named), none when it does not allow external providers (ZITADEL's allowExternalIdp).
   */
  async offered(caller: Caller, orgId: string | undefined): Promise<IdpButton[]> {
    const settings = await this.policies.loginSettings(
      caller.instance.id,
      orgId ?? caller.instance.defaultOrgId ?? caller.instance.id,
    );
    if (!settings.allowExternalIdp) return [];
    const rows = await this.idps.activeForLogin(this.tx.reader, caller.instance.id, orgId);
    return rows.map((r) => ({ idpId: r.idpId, name: r.name, kind: r.kind, options: r.options }));
  }

  /** One offered provider; a provider the page does not offer is refused (no starting another org's). */
  async offeredOne(caller: Caller, orgId: string | undefined, idpId: string): Promise<IdpButton> {
    const found = (await this.offered(caller, orgId)).find((b) => b.idpId === idpId);
    if (!found) throw new LoginProblem('error.idpNotOffered');
    return found;
  }

  /** StartIdentityProviderIntent with the login's own pages as success and failure URLs. */
  start(caller: Caller, idpId: string, successUrl: string, failureUrl: string) {
    return this.intents.start(caller, idpId, { urls: { successUrl, failureUrl } });
  }

  /** StartIdentityProviderIntent with LDAP credentials: answered at once. */
  startLdap(caller: Caller, idpId: string, username: string, password: string) {
    return this.intents.start(caller, idpId, { ldap: { username, password } });
  }

  retrieve(caller: Caller, intentId: string, token: string): Promise<RetrievedIntent> {
    return this.intents.retrieve(caller, intentId, token);
  }

  /** CreateSession with the user and the idpIntent check (the intent is used up by it). */
  async signIn(
    caller: Caller,
    userId: string,
    intent: { id: string; token: string },
    userAgent: { ip?: string; description?: string },
  ): Promise<BrowserSession> {
    const written = await this.sessions.create(
      caller,
      { ...NO_CHANGE, checks: { user: { kind: 'id', id: userId }, idpIntent: intent } },
      { ...userAgent, header: {} },
    );
    return { id: written.id, token: written.token };
  }

  /** SetSession with the idpIntent check, on a session whose user the intent's identity is now linked to. */
  async checkIntent(caller: Caller, session: BrowserSession, intent: { id: string; token: string }) {
    const written = await this.sessions.set(caller, session.id, session.token, {
      ...NO_CHANGE,
      checks: { idpIntent: intent },
    });
    return { id: written.id, token: written.token };
  }

  /**
   * AddHumanUser with the upstream profile and the link in one transaction; the email counts as
   * verified only when the provider says so (else a code is sent, as for any new address).
   */
  async createUser(
    caller: Caller,
    orgId: string,
    intent: RetrievedIntent,
    profile: UpstreamProfile,
    language: string,
  ): Promise<string> {
    const created = await this.users.createHuman(caller, orgId, {
      givenName: profile.givenName,
      familyName: profile.familyName,
      ...(profile.displayName ? { displayName: profile.displayName } : {}),
      ...(profile.nickName ? { nickName: profile.nickName } : {}),
      email: profile.email,
      emailVerified: profile.emailVerified,
      returnEmailCode: false,
      ...(profile.username ? { username: profile.username } : {}),
      preferredLanguage: profile.preferredLanguage ?? language,
      idpLinks: {
        identities: [{ idpId: intent.idpId, userId: intent.externalUserId, userName: usernameOf(intent) }],
        idpIdField: () => 'idp_links[0].idp_id',
      },
      fieldPath: '',
    });
    return created.userId;
  }

  /**
   * Auto-linking's candidate: the one human user of the org whose email (or username) is the
   * upstream's, by the login name it signs in with; none when there is no such user or several.
   */
  async autoLinkCandidate(
    caller: Caller,
    orgId: string,
    by: 'email' | 'username',
    value: string,
  ): Promise<string | undefined> {
    if (!value) return undefined;
    const { items } = await this.userQueries.list(
      caller,
      [
        { kind: 'org', orgId },
        { kind: 'type', type: 'human' },
        { kind: 'text', field: by, match: 'equalsIgnoreCase', value },
      ],
      'unspecified',
      { offset: 0, limit: 2, asc: true },
    );
    return items.length === 1 ? items[0]!.preferredLoginName : undefined;
  }

  /** AddIDPLink for a user who has just proven the account (the login client holds user.write). */
  async link(caller: Caller, userId: string, intent: RetrievedIntent): Promise<void> {
    await this.links.add(caller, userId, {
      idpId: intent.idpId,
      userId: intent.externalUserId,
      userName: usernameOf(intent),
    });
  }

  /**
   * isAutoUpdate: the profile fields the upstream gave, written on each sign-in (UpdateHumanUser
   * with the profile; a field the upstream left out keeps its value).
   */
  async autoUpdate(caller: Caller, userId: string, user: UpstreamUser): Promise<void> {
    const profile = {
      ...(user.givenName?.trim() ? { givenName: user.givenName.trim() } : {}),
      ...(user.familyName?.trim() ? { familyName: user.familyName.trim() } : {}),
      ...(user.displayName?.trim() ? { displayName: user.displayName.trim() } : {}),
      ...(user.nickName?.trim() ? { nickName: user.nickName.trim() } : {}),
      ...(user.preferredLanguage?.trim() ? { preferredLanguage: user.preferredLanguage.trim() } : {}),
    };
    if (!Object.keys(profile).length) return;
    try {
      await this.users.updateHuman(caller, userId, { profile });
    } catch (err) {
      // Nothing new (ZITADEL's "no changes"), or a value the user rules refuse: as ZITADEL's login,
      // the sign-in goes on with the profile as it was.
      if (!(err instanceof DomainError) && !isError(err, USER_ERRORS.nothingChanged)) throw err;
    }
  }
}

function usernameOf(intent: RetrievedIntent): string {
  return intent.information.user.preferredUsername ?? intent.information.user.email ?? intent.externalUserId;
}
