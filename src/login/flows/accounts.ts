import { LoginProblem } from '../login.service.js';
import { pageUrl } from '../login-flow.js';
import { accountsPage, signedInPage } from '../views/sign-in.views.js';
import type { PageRequest } from '../http/page-request.js';
import { PageKit } from './page-kit.js';

// Account selection: the sessions this browser holds, and the signed-in page.

export async function showAccounts(k: PageKit, r: PageRequest): Promise<void> {
  const accounts = await k.accounts(r);
  if (!accounts.length) return k.redirect(r, pageUrl('loginname', r.flow));
  return k.page(r, 200, accountsPage(await k.context(r), { accounts }));
}

export async function submitAccount(k: PageKit, r: PageRequest): Promise<void> {
  const session = k.sessionById(r, r.params.get('session') ?? '');
  const view = await k.login.view(r.caller, session);
  if (!view?.user || (view.expiresAt && new Date(view.expiresAt).getTime() <= Date.now())) {
    // Expired: sign in again with the same login name.
    if (view?.user) return k.redirect(r, pageUrl('loginname', r.flow, { loginName: view.user.loginName }));
    throw new LoginProblem('error.session');
  }
  return k.go(r, await k.login.advance(r.caller, r.flow, session, true));
}

export async function showSignedIn(k: PageKit, r: PageRequest): Promise<void> {
  const { view, user } = await k.sessionUser(r);
  return k.page(r, 200, signedInPage(await k.context(r), { user: k.shown(view.user!, user) }));
}
