import { DomainError } from '../../platform/errors/domain-error.js';
import { SESSION_ERRORS } from '../../sessions/sessions.errors.js';
import type { BrowserSession } from '../login-browser.js';
import type { MessageKey } from '../login.i18n.js';
import { pageUrl } from '../login-flow.js';
import { loginNamePage } from '../views/sign-in.views.js';
import type { PageRequest } from '../http/page-request.js';
import { PageKit } from './page-kit.js';
import { problemKey } from './page-errors.js';

// The login name step: starts a session for the user it names.

export async function showLoginName(k: PageKit, r: PageRequest): Promise<void> {
  const ar = await k.authRequestOf(r);
  const loginName = r.params.get('loginName') ?? ar?.loginHint;
  const appName = r.flow.kind === 'saml' ? (await k.samlRequestOf(r)).appName : undefined;
  const registerUrl = (await k.registerAllowed(r)) ? pageUrl('register', r.flow) : undefined;
  const idps = await k.idps.offered(r.caller, await k.requestedOrg(r));
  return k.page(
    r,
    200,
    loginNamePage(await k.context(r), { loginName: loginName ?? undefined, appName, registerUrl, idps }),
  );
}

export async function submitLoginName(k: PageKit, r: PageRequest): Promise<void> {
  const t = await k.t(r);
  const loginName = (r.params.get('loginName') ?? '').trim();
  const settings = await k.login.loginSettings(r.caller, await k.requestedOrg(r));
  const registerUrl =
    settings.allowRegister && settings.allowUsernamePassword ? pageUrl('register', r.flow) : undefined;
  const idps = await k.idps.offered(r.caller, await k.requestedOrg(r));
  const again = async (key: MessageKey) =>
    k.page(r, 400, loginNamePage(await k.context(r), { loginName, errors: [t(key)], registerUrl, idps }));
  if (!loginName) return again('error.required');
  if (!settings.allowUsernamePassword) return again('error.usernamePassword');
  let session: BrowserSession;
  try {
    session = await k.login.startSession(r.caller, loginName, k.userAgent(r));
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    if (err.id === SESSION_ERRORS.userNotFound) {
      // ignoreUnknownUsernames: the password page asks as for anyone and fails there, generically.
      if (settings.ignoreUnknownUsernames) return k.redirect(r, pageUrl('password', r.flow, { loginName }));
      return again('error.userNotFound');
    }
    const key = problemKey(err);
    if (key) return again(key);
    throw err;
  }
  k.remember(r, session);
  return k.redirect(r, pageUrl('password', r.flow, { session: session.id }));
}
