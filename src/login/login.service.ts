import { Injectable } from '@nestjs/common';
import type { JsonObject } from '@bufbuild/protobuf';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { assertMethodAllowed } from '../platform/auth/auth.errors.js';
import { Authenticator } from '../platform/auth/authenticator.js';
import { DomainError } from '../platform/errors/domain-error.js';
import type { Caller } from '../platform/rpc/call-context.js';
import { Policies, type LoginSettings } from '../settings/policies.queries.js';
import type { PasswordComplexity } from '../settings/password-policy.js';
import { PasswordsService } from '../users/credentials/passwords.service.js';
import { OidcService, type AuthRequestView, type DeviceRequestView } from '../oidc/oidc.service.js';
import {
  LOGIN_MFA_REQUIRED_ID,
  LOGIN_NOT_AUTHENTICATED_ID,
  LOGIN_PASSWORD_CHANGE_ID,
  LOGIN_TOO_OLD_ID,
} from '../sessions/login-handoff.js';
import { SessionQueries, type SessionView } from '../sessions/sessions.queries.js';
import { SessionsService, type SessionChange } from '../sessions/sessions.service.js';
import { SamlLoginService } from '../saml/saml-login.service.js';
import { MfaService } from '../users/mfa/mfa.service.js';
import { WebAuthnService } from '../users/mfa/webauthn.service.js';
import type { WebAuthnKind } from '../users/mfa/webauthn-credentials.queries.js';
import { UsersService } from '../users/users.service.js';
import { preferredLoginName } from '../users/core/login-names.js';
import type { BrowserSession } from './login-browser.js';
import { LoginUsers, allowedFactors, type LoginUser, type PageFactor } from './login-users.js';
import { mfaForced } from '../settings/settings-rules.js';
import { offerMfaSetup } from './login-mfa-prompt.js';
import { pageUrl, type Flow } from './login-flow.js';
import type { UserOnPage } from './views/layout.js';

/**
 * Where the browser goes after a step: a page of the login, the app (a CreateCallback URL or a
 * SAML Redirect-binding URL), or a form the browser posts to the app (SAML HTTP-POST binding).
 */
export type Next =
  | { readonly page: string }
  | { readonly external: string; readonly cookies?: readonly string[] }
  | { readonly post: { readonly url: string; readonly fields: Readonly<Record<string, string>> } };

/** What the pages show of a SAML request: the service provider it came from. */
export interface SamlRequestOnPage {
  readonly id: string;
  readonly issuer: string;
  readonly appName: string;
  /** The SP asked for ForceAuthn: the pages ask for a login name as for prompt=login. */
  readonly forceAuthn: boolean;
}

/** A step that failed in a way the page explains (a message key and values), rather than a crash. */
export class LoginProblem extends Error {
  constructor(
    readonly key:
      | 'error.session'
      | 'error.authRequest'
      | 'error.mfaSetup'
      | 'error.wrongOrg'
      | 'error.noAccess'
      | 'error.deviceCode'
      | 'error.unknown'
      | 'error.registerDisabled'
      | 'error.invite'
      | 'error.passkeyLink'
      | 'error.passkeyLinkFailed'
      | 'error.verifyLink'
      | 'error.resetLink'
      | 'error.idpDenied'
      | 'error.idpNoAccount'
      | 'error.idpExpired'
      | 'error.idpNotOffered'
      | 'error.idpLinkTaken',
  ) {
    super(key);
  }
}

const NO_CHANGE: SessionChange = { checks: {}, metadata: {}, challenges: {} };

/** A UserService method as the limits of a session name it (`package.Service/Method`). */
const userMethod = (name: string) => `${UserService.typeName}/${name}`;

/** A user the pages name by id, before any session. */
export interface UserById extends UserOnPage {
  readonly id: string;
  readonly orgId: string;
}

/** A session's view and its user, once a user is checked on it. */
export interface SessionWithUser {
  readonly view: SessionView;
  readonly user: LoginUser;
}

/**
 * The hosted login's steps, as a client of Portcullis' own services (it acts as ZITADEL's login
 * client does): sessions are created and checked through the session API, the login settings
 * decide which factors follow, and a finished session is handed to the OIDC request (or the
 * device authorization) it was for. Pages live in flows/, HTTP in http/.
 */
@Injectable()
export class LoginService {
  constructor(
    private readonly sessions: SessionsService,
    private readonly sessionQueries: SessionQueries,
    private readonly oidc: OidcService,
    private readonly passwords: PasswordsService,
    private readonly policies: Policies,
    private readonly users: LoginUsers,
    private readonly userCommands: UsersService,
    private readonly saml: SamlLoginService,
    private readonly mfa: MfaService,
    private readonly webAuthn: WebAuthnService,
    private readonly authenticator: Authenticator,
  ) {}

  /**
   * The session's user as the caller ("self"), for what the pages do to the user: authenticated
   * by the session token exactly as an API client holding it would be, so the login rules apply
   * (a session still owing the password change may only change the password) and the services'
   * own checks run. `method` names the contract method the action is (`package.Service/Method`).
   */
  private async asSessionUser(
    caller: Caller,
    session: BrowserSession,
    method: string,
  ): Promise<Caller & { principal: NonNullable<Caller['principal']> }> {
    const principal = await this.authenticator.authenticate(`Bearer ${session.token}`, caller.instance);
    assertMethodAllowed(principal, method);
    return { ...caller, principal };
  }

  authRequest(caller: Caller, id: string): Promise<AuthRequestView> {
    return this.oidc.getAuthRequest(caller, id);
  }

  /** GetSAMLRequest: the pending request and the name of its service provider's app. */
  async samlRequest(caller: Caller, id: string): Promise<SamlRequestOnPage> {
    const row = await this.saml.getRequest(caller, id);
    if (row.state === 'answered') throw new LoginProblem('error.authRequest');
    return {
      id: row.id,
      issuer: row.issuer,
      appName: (await this.users.appName(caller.instance.id, row.appId)) ?? row.issuer,
      forceAuthn: row.forceAuthn,
    };
  }

  deviceRequest(caller: Caller, userCode: string): Promise<DeviceRequestView> {
    return this.oidc.getDeviceRequest(caller, userCode);
  }

  /** The login settings before the user is known: of the org the request names, else the instance's default org. */
  async loginSettings(caller: Caller, orgId?: string): Promise<LoginSettings> {
    return this.policies.loginSettings(caller.instance.id, orgId ?? caller.instance.defaultOrgId ?? caller.instance.id);
  }

  /** A new session with the user checked (CreateSession with checks.user). */
  async startSession(
    caller: Caller,
    loginName: string,
    userAgent: { ip?: string; description?: string },
  ): Promise<BrowserSession> {
    const written = await this.sessions.create(
      caller,
      { ...NO_CHANGE, checks: { user: { kind: 'loginName', loginName } } },
      { ...userAgent, header: {} },
    );
    return { id: written.id, token: written.token };
  }

  /**
   * The password for an unknown login name (ignoreUnknownUsernames): one CreateSession with the
   * user and the password, which fails like a wrong password, or succeeds if the name exists now.
   */
  async startWithPassword(
    caller: Caller,
    loginName: string,
    password: string,
    userAgent: { ip?: string; description?: string },
  ): Promise<BrowserSession> {
    const written = await this.sessions.create(
      caller,
      { ...NO_CHANGE, checks: { user: { kind: 'loginName', loginName }, password } },
      { ...userAgent, header: {} },
    );
    return { id: written.id, token: written.token };
  }

  async checkPassword(caller: Caller, session: BrowserSession, password: string): Promise<BrowserSession> {
    const written = await this.sessions.set(caller, session.id, session.token, { ...NO_CHANGE, checks: { password } });
    return { id: written.id, token: written.token };
  }

  async checkCode(caller: Caller, session: BrowserSession, factor: PageFactor, code: string): Promise<BrowserSession> {
    const checks = factor === 'totp' ? { totp: code } : factor === 'otpEmail' ? { otpEmail: code } : { otpSms: code };
    const written = await this.sessions.set(caller, session.id, session.token, { ...NO_CHANGE, checks });
    return { id: written.id, token: written.token };
  }

  /** Sends an OTP email/SMS code through the session's challenge (the notifier delivers it). */
  async sendCode(caller: Caller, session: BrowserSession, factor: 'otpEmail' | 'otpSms'): Promise<BrowserSession> {
    const challenges =
      factor === 'otpEmail' ? { otpEmail: { kind: 'send' as const } } : { otpSms: { returnCode: false } };
    const written = await this.sessions.set(caller, session.id, session.token, { ...NO_CHANGE, challenges });
    return { id: written.id, token: written.token };
  }

  /** The user's own password change with their current password (the initial change a policy or admin asked for). */
  async changePassword(caller: Caller, session: BrowserSession, current: string, next: string): Promise<void> {
    const self = await this.asSessionUser(caller, session, userMethod('SetPassword'));
    await this.passwords.set(self, self.principal.userId, {
      password: next,
      changeRequired: false,
      verification: { kind: 'currentPassword', value: current },
    });
  }

  async complexity(caller: Caller, orgId: string): Promise<PasswordComplexity> {
    return this.policies.passwordComplexity(caller.instance.id, orgId);
  }

  /** The session as its token proves it, or undefined when the token is stale or the session gone. */
  async view(caller: Caller, session: BrowserSession): Promise<SessionView | undefined> {
    try {
      return await this.sessionQueries.get(caller, session.id, session.token);
    } catch (err) {
      if (err instanceof DomainError) return undefined;
      throw err;
    }
  }

  async withUser(caller: Caller, session: BrowserSession): Promise<SessionWithUser> {
    const view = await this.view(caller, session);
    const user = view?.user && (await this.users.find(caller.instance.id, view.user.id));
    if (!view || !user) throw new LoginProblem('error.session');
    return { view, user };
  }

  async endSession(caller: Caller, session: BrowserSession): Promise<void> {
    try {
      await this.sessions.delete(caller, session.id, session.token);
    } catch (err) {
      // Gone already, or its token rotated elsewhere: nothing of it is left in this browser.
      if (!(err instanceof DomainError)) throw err;
    }
  }

  /**
   * What the session still needs, in the login settings' order: a first factor (fresh within the
   * password check lifetime), a second factor the user has and the settings allow (fresh within
   * its lifetime), the initial password change, or else setting a second factor up when the
   * settings force MFA or offer the optional prompt; then the flow is finished. `send` issues an OTP
   * email/SMS challenge on the way (only from a POST: a GET never sends anything).
   */
  async advance(
    caller: Caller,
    flow: Flow,
    session: BrowserSession,
    send: boolean,
  ): Promise<{ next: Next; session: BrowserSession }> {
    const { view, user } = await this.withUser(caller, session);
    const settings = await this.policies.loginSettings(caller.instance.id, user.orgId);
    const fresh = (at: Date | null | undefined, lifetimeMs: number) =>
      !!at && (lifetimeMs <= 0 || Date.now() - new Date(at).getTime() < lifetimeMs);
    // A sign-in through an identity provider is a first factor within externalLoginCheckLifetime (ZITADEL).
    const external = fresh(view.intentCheckedAt, settings.externalLoginCheckLifetimeMs);
    const firstFactor =
      fresh(view.passwordCheckedAt, settings.passwordCheckLifetimeMs) ||
      external ||
      (view.webAuthn?.userVerified && fresh(view.webAuthn.checkedAt, settings.multiFactorCheckLifetimeMs));
    if (!firstFactor) return { next: { page: pageUrl('password', flow, { session: session.id }) }, session };

    // A second factor the user has is checked before the password change, as in ZITADEL's login:
    // the change is made as the session's user, which needs a full sign-in. Setting a second
    // factor up (forced or offered) follows the change.
    const secondDone = [
      view.totpCheckedAt,
      view.otpEmailCheckedAt,
      view.otpSmsCheckedAt,
      view.webAuthn?.checkedAt,
    ].some((at) => fresh(at, settings.secondFactorCheckLifetimeMs));
    const factors = allowedFactors(user, settings.secondFactors);
    const secondMissing = !secondDone && !view.webAuthn?.userVerified;
    if (secondMissing) {
      if (factors.length > 1) return { next: { page: pageUrl('mfa', flow, { session: session.id }) }, session };
      if (factors.length === 1) return this.toFactor(caller, flow, session, factors[0], send);
      if (user.webAuthn.length && settings.secondFactors.includes('u2f'))
        return { next: { page: pageUrl('passkey', flow, { session: session.id }) }, session };
    }
    if (user.passwordChangeRequired)
      return { next: { page: pageUrl('password/change', flow, { session: session.id }) }, session };
    // As the session's standing counts it: a session with an IdP check is external (forceMfaLocalOnly).
    if (secondMissing && (mfaForced(settings, !!view.intentCheckedAt) || offerMfaSetup(settings, user, new Date()))) {
      return { next: { page: pageUrl('mfa/setup', flow, { session: session.id }) }, session };
    }
    return this.finish(caller, flow, session, factors, send);
  }

  async toFactor(
    caller: Caller,
    flow: Flow,
    session: BrowserSession,
    factor: PageFactor,
    send: boolean,
  ): Promise<{ next: Next; session: BrowserSession }> {
    const page = factor === 'totp' ? 'otp/totp' : factor === 'otpEmail' ? 'otp/email' : 'otp/sms';
    const current = send && factor !== 'totp' ? await this.sendCode(caller, session, factor) : session;
    return { next: { page: pageUrl(page, flow, { session: session.id }) }, session: current };
  }

  /** Hands the session to what the login is for; rules the session does not meet send it back a step. */
  private async finish(
    caller: Caller,
    flow: Flow,
    session: BrowserSession,
    factors: PageFactor[],
    send: boolean,
  ): Promise<{ next: Next; session: BrowserSession }> {
    switch (flow.kind) {
      case 'direct':
        return { next: { page: pageUrl('signedin', flow, { session: session.id }) }, session };
      case 'device':
        return { next: { page: pageUrl('device/consent', flow, { session: session.id }) }, session };
      case 'saml':
      case 'oidc':
        try {
          return { next: await this.handOff(caller, flow, session), session };
        } catch (err) {
          if (!(err instanceof DomainError)) throw err;
          switch (err.id) {
            case LOGIN_NOT_AUTHENTICATED_ID:
            case LOGIN_TOO_OLD_ID:
              return { next: { page: pageUrl('password', flow, { session: session.id }) }, session };
            case LOGIN_PASSWORD_CHANGE_ID:
              return { next: { page: pageUrl('password/change', flow, { session: session.id }) }, session };
            case LOGIN_MFA_REQUIRED_ID:
              if (factors.length > 1) return { next: { page: pageUrl('mfa', flow, { session: session.id }) }, session };
              if (factors.length === 1) return this.toFactor(caller, flow, session, factors[0], send);
              return { next: { page: pageUrl('mfa/setup', flow, { session: session.id }) }, session };
            default:
              throw err;
          }
        }
    }
  }

  /** OIDC: CreateCallback; SAML: CreateResponse, whose binding decides how the browser gets there. */
  private async handOff(
    caller: Caller,
    flow: Flow & { kind: 'oidc' | 'saml' },
    session: BrowserSession,
  ): Promise<Next> {
    if (flow.kind === 'oidc') {
      // The pages share the issuer's host: the browser keeps the provider's session (prompt=none, end_session).
      const { callbackUrl, providerCookies } = await this.oidc.createCallback(caller, flow.authRequest, { session });
      return { external: callbackUrl, cookies: providerCookies };
    }
    const { delivery } = await this.saml.createResponse(caller, flow.samlRequest, {
      kind: 'session',
      sessionId: session.id,
      sessionToken: session.token,
    });
    return delivery.binding === 'post'
      ? { post: { url: delivery.url, fields: delivery.fields } }
      : { external: delivery.url };
  }

  // ---- password reset, registration, email verification, invitations ----

  /** PasswordReset with the code sent by email (the notifier delivers it through the outbox). */
  async requestPasswordReset(caller: Caller, userId: string): Promise<void> {
    await this.passwords.requestReset(caller, userId, { kind: 'send', channel: 'email' });
  }

  /** SetPassword with a reset code; complexity is checked by the password service. */
  async setPasswordWithCode(caller: Caller, userId: string, code: string, password: string): Promise<void> {
    await this.passwords.set(caller, userId, {
      password,
      changeRequired: false,
      verification: { kind: 'verificationCode', value: code },
    });
  }

  /** AddHumanUser in the org, with the email to verify by a code sent by email. */
  async register(
    caller: Caller,
    orgId: string,
    input: {
      givenName: string;
      familyName: string;
      email: string;
      username?: string;
      password: string;
      language: string;
    },
  ): Promise<string> {
    const created = await this.userCommands.createHuman(caller, orgId, {
      givenName: input.givenName,
      familyName: input.familyName,
      email: input.email,
      username: input.username,
      emailVerified: false,
      returnEmailCode: false,
      password: { value: input.password, changeRequired: false },
      preferredLanguage: input.language,
      fieldPath: '',
    });
    return created.userId;
  }

  async sendEmailCode(caller: Caller, userId: string): Promise<void> {
    await this.userCommands.sendEmailCode(caller, userId, { kind: 'send' }, false);
  }

  async verifyEmail(caller: Caller, userId: string, code: string): Promise<void> {
    await this.userCommands.verifyEmail(caller, userId, code);
  }

  /** A human user by id (the invitation link names one), or undefined. */
  contactOf(caller: Caller, userId: string) {
    return this.users.contact(caller.instance.id, userId);
  }

  /** A human user the pages name without a session (a registration link), with the login name a session would show. */
  async userById(caller: Caller, userId: string): Promise<UserById | undefined> {
    const [contact, user] = await Promise.all([
      this.users.contact(caller.instance.id, userId),
      this.users.find(caller.instance.id, userId),
    ]);
    if (!contact || !user) return undefined;
    const { userLoginMustBeDomain } = await this.policies.domainSettings(caller.instance.id, user.orgId);
    const loginName = preferredLoginName(user.username, user.orgPrimaryDomain, userLoginMustBeDomain);
    return {
      id: user.id,
      orgId: user.orgId,
      displayName: contact.displayName,
      loginName,
      username: user.username,
      orgDomain: user.orgPrimaryDomain,
    };
  }

  /**
   * An invitation accepted: the code proves the email address, then the user's first password is
   * set (the pages check its complexity first, so a weak password does not spend the code).
   */
  async acceptInvite(caller: Caller, userId: string, code: string, password: string): Promise<void> {
    await this.userCommands.verifyInviteCode(caller, userId, code);
    await this.passwords.set(caller, userId, { password, changeRequired: false, verification: { kind: 'none' } });
  }

  /** A session for a user known by id, with the password just set checked on it. */
  async startWithUserId(
    caller: Caller,
    userId: string,
    password: string,
    userAgent: { ip?: string; description?: string },
  ): Promise<BrowserSession> {
    const written = await this.sessions.create(
      caller,
      { ...NO_CHANGE, checks: { user: { kind: 'id', id: userId }, password } },
      { ...userAgent, header: {} },
    );
    return { id: written.id, token: written.token };
  }

  // ---- WebAuthn and TOTP ----

  /** A WebAuthn challenge on the session: the options for navigator.credentials.get(). */
  async webAuthnChallenge(
    caller: Caller,
    session: BrowserSession,
    domain: string,
    userVerification: 'required' | 'discouraged',
  ): Promise<{ session: BrowserSession; options: JsonObject }> {
    const written = await this.sessions.set(caller, session.id, session.token, {
      ...NO_CHANGE,
      challenges: { webAuthn: { domain, userVerification } },
    });
    return { session: { id: written.id, token: written.token }, options: written.challenges.webAuthn! };
  }

  async checkWebAuthn(caller: Caller, session: BrowserSession, credential: JsonObject): Promise<BrowserSession> {
    const written = await this.sessions.set(caller, session.id, session.token, {
      ...NO_CHANGE,
      checks: { webAuthn: credential },
    });
    return { id: written.id, token: written.token };
  }

  async registerTotp(caller: Caller, session: BrowserSession): Promise<{ uri: string; secret: string }> {
    const self = await this.asSessionUser(caller, session, userMethod('RegisterTOTP'));
    return this.mfa.registerTotp(self, self.principal.userId);
  }

  async verifyTotp(caller: Caller, session: BrowserSession, code: string): Promise<void> {
    const self = await this.asSessionUser(caller, session, userMethod('VerifyTOTPRegistration'));
    await this.mfa.verifyTotpRegistration(self, self.principal.userId, code);
  }

  /** The user skips the optional set-up: recorded as UserService.HumanMFAInitSkipped records it (audit event included). */
  async skipMfaSetup(caller: Caller, session: BrowserSession): Promise<void> {
    const self = await this.asSessionUser(caller, session, userMethod('HumanMFAInitSkipped'));
    await this.mfa.skipMfaInit(self, self.principal.userId);
  }

  /** RegisterPasskey / RegisterU2F for the session's user: a pending credential of the kind and the options for navigator.credentials.create(). */
  async registerWebAuthn(
    caller: Caller,
    session: BrowserSession,
    kind: WebAuthnKind,
    domain: string,
  ): Promise<{ id: string; options: JsonObject }> {
    const self = await this.asSessionUser(
      caller,
      session,
      userMethod(kind === 'passkey' ? 'RegisterPasskey' : 'RegisterU2F'),
    );
    const r = await this.webAuthn.register(self, self.principal.userId, kind, { domain, requestHost: domain });
    return { id: r.id, options: r.options };
  }

  /** VerifyPasskeyRegistration / VerifyU2FRegistration for the session's user. */
  async verifyWebAuthn(
    caller: Caller,
    session: BrowserSession,
    kind: WebAuthnKind,
    id: string,
    credential: JsonObject,
    name: string,
  ): Promise<void> {
    const self = await this.asSessionUser(
      caller,
      session,
      userMethod(kind === 'passkey' ? 'VerifyPasskeyRegistration' : 'VerifyU2FRegistration'),
    );
    await this.webAuthn.verify(self, self.principal.userId, kind, id, credential, name);
  }

  /** RegisterPasskey with a registration link's code: the code (used up) is the authorisation, no session. */
  async registerPasskeyWithCode(
    caller: Caller,
    userId: string,
    domain: string,
    code: { id: string; code: string },
  ): Promise<{ id: string; options: JsonObject }> {
    const r = await this.webAuthn.register(caller, userId, 'passkey', { domain, requestHost: domain, code });
    return { id: r.id, options: r.options };
  }

  /** VerifyPasskeyRegistration of the credential a link's code started (its challenge ties the answer to that page). */
  async verifyPasskeyOfLink(
    caller: Caller,
    userId: string,
    id: string,
    credential: JsonObject,
    name: string,
  ): Promise<void> {
    await this.webAuthn.verify(caller, userId, 'passkey', id, credential, name);
  }

  async decideDevice(caller: Caller, userCode: string, session: BrowserSession | undefined): Promise<void> {
    await this.oidc.authorizeOrDenyDevice(caller, userCode, session);
  }
}
