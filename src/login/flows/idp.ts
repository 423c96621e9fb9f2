import { INTENT_ERRORS } from '../../idps/intents.errors.js';
import type { RetrievedIntent } from '../../idps/intents.service.js';
import { IDP_LINK_ERRORS } from '../../idps/links.errors.js';
import { DomainError, isError } from '../../platform/errors/domain-error.js';
import { SESSION_ERRORS } from '../../sessions/sessions.errors.js';
import { USER_ERRORS } from '../../users/users.errors.js';
import type { BrowserSession, PendingIntent } from '../login-browser.js';
import { upstreamProfile, type IdpButton } from '../login-idps.js';
import { LoginProblem } from '../login.service.js';
import { pageUrl } from '../login-flow.js';
import type { PageRequest } from '../http/page-request.js';
import { errorPage } from '../views/layout.js';
import { idpLinkPage, idpPostPage, idpRegisterPage, ldapPage } from '../views/idp.views.js';
import type { RegisterValues } from '../views/register.views.js';
import type { PageKit } from './page-kit.js';
import { problemKey } from './page-errors.js';
import { profileForm, profileFormProblem, usernameTaken, type FormProblem } from './profile-form.js';

// Sign-in through an external identity provider, as ZITADEL's login does it: a button starts an
// intent whose success and failure URLs are these pages (with the flow, so the auth request goes
// on); back from the upstream, a linked identity signs its user in with the idpIntent check, an
// unlinked one is created, registered, or linked to an existing account as the provider allows.

/** The intents' errors that mean "start again" on the pages rather than a server fault. */
const STALE_INTENT = [
  INTENT_ERRORS.intentExpired,
  INTENT_ERRORS.intentNotSucceeded,
  INTENT_ERRORS.invalidToken,
  INTENT_ERRORS.intentNotFound,
] as const;

/** An absolute URL of a login page on the origin the browser came to (success and failure URLs). */
function absolute(r: PageRequest, path: string): string {
  return `${r.caller.origin}${path}`;
}

async function offered(k: PageKit, r: PageRequest, idpId: string): Promise<IdpButton> {
  return k.idps.offeredOne(r.caller, await k.requestedOrg(r), idpId);
}

/** POST /idp/start: StartIdentityProviderIntent, then to the upstream (a redirect, or SAML's POST form). */
export async function submitIdpStart(k: PageKit, r: PageRequest): Promise<void> {
  const idp = await offered(k, r, r.params.get('idpId') ?? '');
  if (idp.kind === 'ldap') return k.redirect(r, pageUrl('idp/ldap', r.flow, { idpId: idp.idpId }));
  const started = await k.idps.start(
    r.caller,
    idp.idpId,
    absolute(r, pageUrl('idp/success', r.flow, { idpId: idp.idpId })),
    absolute(r, pageUrl('idp/failure', r.flow, { idpId: idp.idpId })),
  );
  k.setState(r, { ...r.state, idpStarted: started.intentId });
  const next = started.next;
  if ('authUrl' in next) return k.redirect(r, next.authUrl);
  if ('formData' in next) return k.page(r, 200, idpPostPage(await k.context(r), next.formData));
  throw new LoginProblem('error.idpDenied');
}

/** GET /idp/success?id=&token=[&user=]: the upstream signed the person in. */
export async function showIdpSuccess(k: PageKit, r: PageRequest): Promise<void> {
  const ref = { id: r.params.get('id') ?? '', token: r.params.get('token') ?? '' };
  if (!ref.id || r.state.idpStarted !== ref.id) throw new LoginProblem('error.idpExpired');
  const { idpStarted: _done, ...rest } = r.state;
  k.setState(r, rest);
  return finishIntent(k, r, ref);
}

/**
 * GET /idp/failure?id=&error=&error_description=: the upstream refused or the intent failed. Only
 * the error code is shown (the description is whatever the link says; the page does not echo it).
 */
export async function showIdpFailure(k: PageKit, r: PageRequest): Promise<void> {
  const t = await k.t(r);
  const code = r.params.get('error') ?? '';
  const idp = await offered(k, r, r.params.get('idpId') ?? '').catch(() => undefined);
  const message =
    idp && /^[\w.:-]{1,64}$/.test(code) ? t('error.idpFailed', { name: idp.name, reason: code }) : t('error.idpDenied');
  return k.page(r, 400, errorPage(await k.context(r), message));
}

/** GET /idp/ldap: the provider's username/password form. */
export async function showLdap(k: PageKit, r: PageRequest, errors?: string[], status = 200): Promise<void> {
  const idp = await offered(k, r, r.params.get('idpId') ?? '');
  if (idp.kind !== 'ldap') throw new LoginProblem('error.idpNotOffered');
  const username = errors ? (r.params.get('username') ?? '') : undefined;
  return k.page(r, status, ldapPage(await k.context(r), { idpId: idp.idpId, name: idp.name, username, errors }));
}

/** POST /idp/ldap: the credentials go to the directory at once; a wrong one is the same single answer for all. */
export async function submitLdap(k: PageKit, r: PageRequest): Promise<void> {
  const t = await k.t(r);
  const idp = await offered(k, r, r.params.get('idpId') ?? '');
  if (idp.kind !== 'ldap') throw new LoginProblem('error.idpNotOffered');
  const username = (r.params.get('username') ?? '').trim();
  const password = r.params.get('password') ?? '';
  if (!username || !password) return showLdap(k, r, [t('error.required')], 400);
  let started: Awaited<ReturnType<PageKit['idps']['startLdap']>>;
  try {
    started = await k.idps.startLdap(r.caller, idp.idpId, username, password);
  } catch (err) {
    if (isError(err, INTENT_ERRORS.loginFailed)) return showLdap(k, r, [t('error.ldapCredentials')], 400);
    throw err;
  }
  if (!('intent' in started.next)) throw new LoginProblem('error.idpDenied');
  return finishIntent(k, r, { id: started.next.intent.id, token: started.next.intent.token });
}

async function retrieve(k: PageKit, r: PageRequest, ref: PendingIntent): Promise<RetrievedIntent> {
  try {
    if (!ref.id || !ref.token) throw new LoginProblem('error.idpExpired');
    return await k.idps.retrieve(r.caller, ref.id, ref.token);
  } catch (err) {
    if (err instanceof DomainError && isError(err, ...STALE_INTENT)) throw new LoginProblem('error.idpExpired');
    throw err;
  }
}

/** The pending intent this browser holds (set when the upstream identity had no account yet). */
function pending(r: PageRequest): PendingIntent {
  const found = r.state.idpIntent;
  if (!found) throw new LoginProblem('error.idpExpired');
  return found;
}

function withPending(k: PageKit, r: PageRequest, intent: PendingIntent | undefined): void {
  const { idpIntent: _dropped, ...rest } = r.state;
  k.setState(r, intent ? { ...rest, idpIntent: intent } : rest);
}

/** Signs the intent's user in (idpIntent check), updates the profile when the provider says so, and goes on. */
async function signInLinked(
  k: PageKit,
  r: PageRequest,
  idp: IdpButton,
  intent: RetrievedIntent,
  ref: PendingIntent,
  userId: string,
): Promise<void> {
  const session = await k.idps.signIn(r.caller, userId, { id: ref.id, token: ref.token }, k.userAgent(r));
  if (idp.options.isAutoUpdate) await k.idps.autoUpdate(r.caller, userId, intent.information.user);
  withPending(k, r, undefined);
  k.remember(r, session);
  // A POST (LDAP form, registration) may send an OTP code on the way; a GET (back from upstream) sends nothing.
  return k.go(r, await k.login.advance(r.caller, r.flow, session, r.method === 'POST'));
}

/**
 * After the upstream: linked → sign in; else isAutoCreation (with creation allowed) → the user and
 * the link in one step; else auto-linking → the link page with the account's name filled in (linked
 * only once that account signs in: ZITADEL's login v2 links at once, but an upstream's email or
 * username proves nothing about the local account); else the
 * registration prefilled (creation allowed), or linking (linking allowed), or a clear refusal.
 */
async function finishIntent(k: PageKit, r: PageRequest, ref: PendingIntent): Promise<void> {
  const intent = await retrieve(k, r, ref);
  const idp = await offered(k, r, intent.idpId);
  if (intent.userId) return signInLinked(k, r, idp, intent, ref, intent.userId);
  const o = idp.options;
  if (o.isAutoCreation && o.isCreationAllowed) {
    const profile = upstreamProfile(intent.information.user);
    if (profile.email) {
      const userId = await createOrExplain(k, r, intent, profile);
      if (userId) return signInLinked(k, r, idp, intent, ref, userId);
    }
  }
  withPending(k, r, { id: ref.id, token: ref.token });
  const user = intent.information.user;
  const autoName =
    o.autoLinking === 'none'
      ? undefined
      : await k.idps.autoLinkCandidate(
          r.caller,
          await k.registerOrg(r),
          o.autoLinking,
          (o.autoLinking === 'email' ? user.email : user.preferredUsername) ?? '',
        );
  if (autoName) return k.redirect(r, pageUrl('idp/link', r.flow, { loginName: autoName }));
  if (o.isCreationAllowed) return k.redirect(r, pageUrl('idp/register', r.flow));
  if (o.isLinkingAllowed) return k.redirect(r, pageUrl('idp/link', r.flow));
  withPending(k, r, undefined);
  throw new LoginProblem('error.idpNoAccount');
}

/** Creates the user; a taken username or identity answers undefined (the registration page explains). */
async function createOrExplain(
  k: PageKit,
  r: PageRequest,
  intent: RetrievedIntent,
  profile: ReturnType<typeof upstreamProfile>,
): Promise<string | undefined> {
  try {
    return await k.idps.createUser(r.caller, await k.registerOrg(r), intent, profile, (await k.context(r)).locale);
  } catch (err) {
    if (isError(err, USER_ERRORS.usernameTaken)) return undefined;
    if (isError(err, IDP_LINK_ERRORS.linkTaken)) throw new LoginProblem('error.idpLinkTaken');
    throw err;
  }
}

/** GET /idp/register: the registration prefilled from the upstream profile. */
export async function showIdpRegister(
  k: PageKit,
  r: PageRequest,
  values?: RegisterValues,
  errors?: string[],
  invalid?: string[],
  status = 200,
): Promise<void> {
  const intent = await retrieve(k, r, pending(r));
  const idp = await offered(k, r, intent.idpId);
  if (!idp.options.isCreationAllowed) throw new LoginProblem('error.idpNoAccount');
  const p = upstreamProfile(intent.information.user);
  const shown = values ?? { givenName: p.givenName, familyName: p.familyName, email: p.email, username: p.username };
  const linkUrl =
    idp.options.isLinkingAllowed || idp.options.autoLinking !== 'none' ? pageUrl('idp/link', r.flow) : undefined;
  return k.page(
    r,
    status,
    idpRegisterPage(await k.context(r), { name: idp.name, values: shown, errors, invalid, linkUrl }),
  );
}

/** POST /idp/register: AddHumanUser with the link, then the sign-in through the intent. */
export async function submitIdpRegister(k: PageKit, r: PageRequest): Promise<void> {
  const t = await k.t(r);
  const ref = pending(r);
  const intent = await retrieve(k, r, ref);
  const idp = await offered(k, r, intent.idpId);
  if (!idp.options.isCreationAllowed) throw new LoginProblem('error.idpNoAccount');
  const values = profileForm(r);
  const again = (p: FormProblem) => showIdpRegister(k, r, values, p.errors, p.invalid, 400);
  const invalid = profileFormProblem(values, t);
  if (invalid) return again(invalid);
  const upstream = upstreamProfile(intent.information.user);
  // The upstream's word on the email holds only for the address it gave; another one is verified by a code.
  const emailVerified = upstream.emailVerified && upstream.email.toLowerCase() === values.email.toLowerCase();
  let userId: string;
  try {
    userId = await k.idps.createUser(
      r.caller,
      await k.registerOrg(r),
      intent,
      {
        ...upstream,
        givenName: values.givenName,
        familyName: values.familyName,
        email: values.email,
        emailVerified,
        username: values.username || undefined,
      },
      (await k.context(r)).locale,
    );
  } catch (err) {
    if (isError(err, USER_ERRORS.usernameTaken)) return again(usernameTaken(values, t));
    if (isError(err, IDP_LINK_ERRORS.linkTaken)) throw new LoginProblem('error.idpLinkTaken');
    throw err;
  }
  return signInLinked(k, r, idp, intent, ref, userId);
}

/** GET /idp/link: the login name of the account to link (filled in by auto-linking). */
export async function showIdpLink(k: PageKit, r: PageRequest, errors?: string[], status = 200): Promise<void> {
  const intent = await retrieve(k, r, pending(r));
  const idp = await offered(k, r, intent.idpId);
  if (!idp.options.isLinkingAllowed && idp.options.autoLinking === 'none') throw new LoginProblem('error.idpNoAccount');
  const registerUrl = idp.options.isCreationAllowed ? pageUrl('idp/register', r.flow) : undefined;
  const loginName = r.params.get('loginName') ?? undefined;
  return k.page(r, status, idpLinkPage(await k.context(r), { name: idp.name, loginName, errors, registerUrl }));
}

/** POST /idp/link: a session for the named account; its own first factor follows, then the link is added. */
export async function submitIdpLink(k: PageKit, r: PageRequest): Promise<void> {
  const t = await k.t(r);
  const ref = pending(r);
  const intent = await retrieve(k, r, ref);
  const idp = await offered(k, r, intent.idpId);
  if (!idp.options.isLinkingAllowed && idp.options.autoLinking === 'none') throw new LoginProblem('error.idpNoAccount');
  const loginName = (r.params.get('loginName') ?? '').trim();
  if (!loginName) return showIdpLink(k, r, [t('error.required')], 400);
  let session: BrowserSession;
  try {
    session = await k.login.startSession(r.caller, loginName, k.userAgent(r));
  } catch (err) {
    if (isError(err, SESSION_ERRORS.userNotFound)) return showIdpLink(k, r, [t('error.userNotFound')], 400);
    const key = problemKey(err);
    if (key) return showIdpLink(k, r, [t(key)], 400);
    throw err;
  }
  withPending(k, r, { ...ref, linkSession: session.id });
  k.remember(r, session);
  return k.redirect(r, pageUrl('password', r.flow, { session: session.id }));
}

/**
 * After a first factor on the session the person chose to link: AddIDPLink for its user, then the
 * intent checked on the session too (so it is used up). Any other session leaves the intent alone.
 */
export async function linkPendingIdp(k: PageKit, r: PageRequest, session: BrowserSession): Promise<BrowserSession> {
  const ref = r.state.idpIntent;
  if (!ref?.linkSession || ref.linkSession !== session.id) return session;
  withPending(k, r, undefined);
  const intent = await retrieve(k, r, ref);
  const { user } = await k.login.withUser(r.caller, session);
  try {
    await k.idps.link(r.caller, user.id, intent);
  } catch (err) {
    if (isError(err, IDP_LINK_ERRORS.linkTaken)) throw new LoginProblem('error.idpLinkTaken');
    throw err;
  }
  return k.idps.checkIntent(r.caller, session, { id: ref.id, token: ref.token });
}
