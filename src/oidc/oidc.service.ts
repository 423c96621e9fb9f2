import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MasterKey } from '../platform/crypto/master-key.js';
import type Provider from 'oidc-provider';
import type { Grant, Interaction } from 'oidc-provider';
import { FailedPrecondition, InvalidArgument, invalidField } from '../platform/errors/domain-error.js';
import { EventStore } from '../platform/events/event-store.js';
import { Transactions } from '../platform/database/transactions.js';
import { creatorOf, type Caller } from '../platform/rpc/call-context.js';
import type { ChangeInfo } from '../platform/rpc/proto-mapping.js';
import { LoginHandoff, assertLoginClient, type LoginSession } from '../sessions/login-handoff.js';
import { OidcAccounts } from './oidc-accounts.js';
import { factsOf, type ClientFacts } from './oidc-clients.js';
import { OidcProviders } from './oidc-providers.js';
import { inTransaction, recordOnce } from './oidc-payloads.store.js';
import { parkFormPost } from './form-post-callbacks.js';
import { withErrorUri, type InProcessAnswer } from './interaction-resume.js';
import { AUDIENCE_RESOURCE, parseScopes } from './zitadel-scopes.js';
import {
  authRequestNotFinished,
  OIDC_ERRORS,
  authRequestNotFound,
  deviceRequestNotFound,
  noProjectAccess,
  wrongOrg,
} from './oidc.errors.js';
import { AppsQueries } from '../apps/apps.queries.js';
import { OrgQueries } from '../orgs/orgs.queries.js';
import { ProjectStore } from '../projects/projects.store.js';

export type OidcPrompt = 'none' | 'login' | 'consent' | 'select_account' | 'create';

export interface AuthRequestView {
  readonly id: string;
  readonly createdAt: Date;
  readonly clientId: string;
  readonly scope: readonly string[];
  readonly redirectUri: string;
  readonly prompt: readonly OidcPrompt[];
  readonly uiLocales: readonly string[];
  readonly loginHint?: string;
  readonly maxAgeSeconds?: number;
  readonly hintUserId?: string;
}

export interface DeviceRequestView {
  readonly id: string;
  readonly clientId: string;
  readonly scope: readonly string[];
  readonly appName: string;
  readonly projectName: string;
}

/** OAuth error codes the login may finish a request with (ZITADEL's ErrorReason). */
export interface LoginError {
  readonly error: string;
  readonly description?: string;
  readonly uri?: string;
}

/** The record that an auth request or a device authorization was answered (oidc_payloads model). */
const ANSWERED = 'AuthRequestAnswered';

function parsePrompts(value: unknown): OidcPrompt[] {
  const known: OidcPrompt[] = ['none', 'login', 'consent', 'select_account', 'create'];
  return String(value ?? '')
    .split(' ')
    .filter((p): p is OidcPrompt => known.includes(p as OidcPrompt));
}

/** The request's max_age in seconds, when it has a usable one. */
function maxAgeOf(params: Record<string, unknown>): number | undefined {
  const maxAge = params.max_age === undefined ? undefined : Number(params.max_age);
  return maxAge !== undefined && Number.isFinite(maxAge) ? maxAge : undefined;
}

function subjectOfHint(idTokenHint: unknown): string | undefined {
  if (typeof idTokenHint !== 'string') return undefined;
  try {
    const payload = JSON.parse(Buffer.from(idTokenHint.split('.')[1] ?? '', 'base64url').toString('utf8'));
    return typeof payload.sub === 'string' ? payload.sub : undefined;
  } catch {
    return undefined;
  }
}

/**
 * zitadel.oidc.v2.OIDCService: the login (Portcullis' own pages or a custom one) reads the auth
 * request oidc-provider parked as an interaction, and finishes it with a session proven by its
 * token: the interaction gets the login and a grant of the requested scopes, and the provider
 * resumes it server-side and answers the app's redirect URI with the code. Device codes likewise.
 */
@Injectable()
export class OidcService {
  constructor(
    private readonly providers: OidcProviders,
    private readonly handoff: LoginHandoff,
    private readonly accounts: OidcAccounts,
    private readonly tx: Transactions,
    private readonly events: EventStore,
    private readonly dataSource: DataSource,
    private readonly masterKey: MasterKey,
    private readonly apps: AppsQueries,
    private readonly projects: ProjectStore,
    private readonly orgs: OrgQueries,
  ) {}

  async getAuthRequest(caller: Caller, id: string): Promise<AuthRequestView> {
    const interaction = await this.interaction(caller, id);
    const p = interaction.params as Record<string, unknown>;
    const maxAge = maxAgeOf(p);
    return {
      id: interaction.uid,
      createdAt: new Date(interaction.iat! * 1000),
      clientId: String(p.client_id),
      scope: String(p.scope ?? '')
        .split(' ')
        .filter(Boolean),
      redirectUri: String(p.redirect_uri ?? ''),
      prompt: parsePrompts(p.prompt),
      uiLocales: String(p.ui_locales ?? '')
        .split(' ')
        .filter(Boolean),
      ...(typeof p.login_hint === 'string' ? { loginHint: p.login_hint } : {}),
      ...(maxAge !== undefined ? { maxAgeSeconds: maxAge } : {}),
      ...(subjectOfHint(p.id_token_hint) ? { hintUserId: subjectOfHint(p.id_token_hint) } : {}),
    };
  }

  /**
   * Finishes an auth request with a session (or an error), once, and answers where the browser
   * goes: the app's redirect URI with the code (or the error), `state` and `iss`, in the request's
   * response mode (ZITADEL's rule), or for form_post a one-time page that posts them there. The
   * provider resumes the request in this process (see OidcProviders.resumeInteraction), so no
   * browser cookie is needed. `providerCookies` is the provider's browser session (continued when
   * the request started in one of the same user), for a login served on the issuer's host to hand
   * to the browser (prompt=none, single sign-on across apps, end_session).
   */
  async createCallback(
    caller: Caller,
    id: string,
    outcome: { session: { id: string; token: string } } | { error: LoginError },
  ): Promise<{ callbackUrl: string; change: ChangeInfo; providerCookies: readonly string[] }> {
    const provider = await this.providers.forModels(caller.instance);
    const interaction = await this.interaction(caller, id);
    if (interaction.result) throw authRequestNotFound();
    const p = interaction.params as Record<string, unknown>;
    const client = await provider.Client.find(String(p.client_id));
    if (!client)
      throw FailedPrecondition(OIDC_ERRORS.clientInactive, 'the application of the auth request is no longer active');

    let session: LoginSession | undefined;
    const loginError = 'error' in outcome ? outcome.error : undefined;
    const scope = String(p.scope ?? 'openid');
    if ('session' in outcome) {
      const maxAge = maxAgeOf(p);
      session = await this.handoff.sessionFor(
        caller,
        outcome.session.id,
        outcome.session.token,
        maxAge !== undefined ? { maxAgeSeconds: maxAge } : {},
      );
      await this.checkLoginRules(caller.instance.id, session, scope, factsOf(client));
    }
    const secondsLeft = Math.max(1, interaction.exp! - Math.floor(Date.now() / 1000));
    await this.answerOnce(caller, interaction.uid, secondsLeft, authRequestNotFound);
    const result: Record<string, unknown> = session
      ? {
          login: {
            accountId: session.userId,
            amr: [...session.amr],
            ts: Math.floor(session.authTime.getTime() / 1000),
            remember: true,
          },
          consent: {
            grantId: await this.saveGrant(provider, session.userId, client.clientId, scope, interaction.grantId),
          },
          // The login showed the account choice / sign-up it was asked for: those prompts are answered.
          select_account: {},
          create: {},
        }
      : errorResult(loginError!);
    const change = await this.tx.run(async (tx) => {
      interaction.result = result as never;
      // The browser's provider session goes on when the same user signed in; otherwise the
      // provider starts a new one (no sign-out form of another account to show first).
      if (!session || interaction.session?.accountId !== session.userId) interaction.session = undefined;
      await inTransaction(tx, () => interaction.save(secondsLeft));
      const [written] = await this.events.push(tx, caller.instance.id, creatorOf(caller), [
        {
          aggregateType: 'oidc_auth_request',
          aggregateId: interaction.uid,
          type: session ? 'oidc.auth_request.succeeded' : 'oidc.auth_request.failed',
          resourceOwner: session?.orgId ?? caller.instance.id,
          payload: {
            clientId: client.clientId,
            ...(session ? { sessionId: session.sessionId, userId: session.userId } : { error: loginError?.error }),
          },
        },
      ]);
      return { sequence: written.sequence, changeDate: written.createdAt, resourceOwner: written.resourceOwner };
    });
    const answer = await this.providers.resumeInteraction(caller.instance, interaction);
    const callbackUrl = await this.callbackUrlOf(caller, interaction.returnTo, answer);
    return { callbackUrl: withErrorUri(callbackUrl, loginError?.uri), change, providerCookies: answer.setCookies };
  }

  /** Where the provider's answer sends the browser: its redirect, or the parked form_post page. */
  private async callbackUrlOf(caller: Caller, returnTo: string, answer: InProcessAnswer): Promise<string> {
    if (answer.status >= 300 && answer.status < 400 && answer.location) return answer.location;
    if (answer.status === 200 && answer.contentType?.startsWith('text/html')) {
      const issuer = new URL(returnTo).origin;
      return parkFormPost(this.dataSource, this.masterKey, caller.instance.id, issuer, {
        html: answer.body,
        contentSecurityPolicy: answer.contentSecurityPolicy,
      });
    }
    throw authRequestNotFinished(answer.status);
  }

  async getDeviceRequest(caller: Caller, userCode: string): Promise<DeviceRequestView> {
    assertLoginClient(caller);
    const provider = await this.providers.forModels(caller.instance);
    const code = await provider.DeviceCode.findByUserCode(normalizeUserCode(userCode));
    if (!code || code.accountId || code.error) throw deviceRequestNotFound();
    const app = code.clientId ? await this.apps.nameByClientId(caller.instance.id, code.clientId) : undefined;
    const project = app && (await this.projects.findProject(this.tx.reader, caller.instance.id, app.projectId));
    return {
      id: normalizeUserCode(userCode),
      clientId: code.clientId ?? '',
      scope: deviceScope(code).split(' ').filter(Boolean),
      appName: app?.name ?? '',
      projectName: project?.name ?? '',
    };
  }

  /** The device code's poller gets tokens (with a session) or `access_denied` (deny). */
  async authorizeOrDenyDevice(
    caller: Caller,
    id: string,
    session: { id: string; token: string } | undefined,
  ): Promise<void> {
    assertLoginClient(caller);
    if (!id)
      throw invalidField(
        OIDC_ERRORS.deviceRequestIdMissing,
        'device_authorization_id',
        'the device authorization id (the user code) is required',
      );
    const provider = await this.providers.forModels(caller.instance);
    const code = await provider.DeviceCode.findByUserCode(normalizeUserCode(id));
    if (!code || code.accountId || code.error || code.isExpired) throw deviceRequestNotFound();
    const client = code.clientId ? await provider.Client.find(code.clientId) : undefined;
    if (!client)
      throw FailedPrecondition(
        OIDC_ERRORS.clientInactive,
        'the application of the device authorization is no longer active',
      );
    let login: LoginSession | undefined;
    const scope = deviceScope(code);
    if (session) {
      login = await this.handoff.sessionFor(caller, session.id, session.token);
      await this.checkLoginRules(caller.instance.id, login, scope, factsOf(client));
    }
    await this.answerOnce(
      caller,
      `device:${code.jti}`,
      Math.max(1, (code.exp ?? 0) - Math.floor(Date.now() / 1000)),
      deviceRequestNotFound,
    );
    if (login) {
      code.grantId = await this.saveGrant(provider, login.userId, client.clientId, scope, undefined);
      code.scope = scope;
      code.resource = AUDIENCE_RESOURCE;
      code.accountId = login.userId;
      code.authTime = Math.floor(login.authTime.getTime() / 1000);
      code.amr = [...login.amr];
    } else {
      code.error = 'access_denied';
      code.errorDescription = 'the user denied the device authorization';
    }
    await this.tx.run(async (tx) => {
      await inTransaction(tx, () => code.save());
      await this.events.push(tx, caller.instance.id, creatorOf(caller), [
        {
          aggregateType: 'oidc_device_authorization',
          aggregateId: code.grantId ?? normalizeUserCode(id),
          type: login ? 'oidc.device_authorization.approved' : 'oidc.device_authorization.denied',
          resourceOwner: login?.orgId ?? caller.instance.id,
          payload: { clientId: code.clientId, ...(login ? { sessionId: login.sessionId, userId: login.userId } : {}) },
        },
      ]);
    });
  }

  /** ZITADEL's org scopes and the project's role/access checks, before anything is granted. */
  private async checkLoginRules(
    instanceId: string,
    session: LoginSession,
    scope: string,
    facts: ClientFacts | undefined,
  ): Promise<void> {
    const scopes = parseScopes(scope);
    if (scopes.orgId && scopes.orgId !== session.orgId) throw wrongOrg();
    if (scopes.orgDomain) {
      const primaryDomain = await this.orgs.primaryDomain(this.tx.reader, instanceId, session.orgId);
      if (primaryDomain !== scopes.orgDomain) throw wrongOrg();
    }
    if (!facts?.projectId) return;
    if (facts.projectRoleCheck) {
      const roles = await this.accounts.grantedRoles(instanceId, session.userId, [facts.projectId]);
      if (!roles.length) throw noProjectAccess('has no role');
    }
    if (facts.hasProjectCheck) {
      const access = await this.projects.orgHasAccess(this.tx.reader, instanceId, facts.projectId, session.orgId);
      if (!access) throw noProjectAccess("'s organization has no access");
    }
  }

  /**
   * Records that a request was answered: once, whichever process is asked (concurrent calls all
   * pass the checks before it); the others are refused as if the request were gone.
   */
  private async answerOnce(caller: Caller, key: string, secondsLeft: number, refused: () => Error): Promise<void> {
    if (!(await recordOnce(this.dataSource, caller.instance.id, ANSWERED, key, { kind: ANSWERED }, secondsLeft)))
      throw refused();
  }

  private async saveGrant(
    provider: Provider,
    accountId: string,
    clientId: string,
    scope: string,
    existingGrantId: string | undefined,
  ): Promise<string> {
    const existing: Grant | undefined = existingGrantId ? await provider.Grant.find(existingGrantId) : undefined;
    const grant = existing && existing.accountId === accountId ? existing : new provider.Grant({ accountId, clientId });
    grant.addOIDCScope(scope);
    grant.addResourceScope(AUDIENCE_RESOURCE, scope);
    return grant.save();
  }

  /** An auth request of the caller's instance; only a login client (session.link) may read or finish one. */
  private async interaction(caller: Caller, id: string): Promise<Interaction> {
    assertLoginClient(caller);
    if (!id) throw InvalidArgument(OIDC_ERRORS.authRequestIdMissing, 'auth_request_id is required');
    const provider = await this.providers.forModels(caller.instance);
    const interaction = await provider.Interaction.find(id);
    if (!interaction) throw authRequestNotFound();
    return interaction;
  }
}

/** The interaction result that makes the provider answer the app with the login's error (RFC 6749 §4.1.2.1). */
function errorResult(error: LoginError): Record<string, string> {
  return { error: error.error, ...(error.description ? { error_description: error.description } : {}) };
}

/** The scope a device asked for (kept in the device code's request parameters). */
function deviceScope(code: { scope?: string; params?: Record<string, unknown> }): string {
  return code.scope ?? String(code.params?.scope ?? 'openid');
}

/** oidc-provider's normalisation of a typed user code: upper case, no separators. */
export function normalizeUserCode(input: string): string {
  return input.toUpperCase().replace(/\W/g, '');
}
