import { pageUrl } from '../login-flow.js';
import { messagePage } from '../views/layout.js';
import { logoutPage } from '../views/sign-in.views.js';
import type { PageRequest } from '../http/page-request.js';
import { PageKit } from './page-kit.js';

// Signing out of every session of this browser.

export async function showLogout(k: PageKit, r: PageRequest): Promise<void> {
  const accounts = await k.accounts(r);
  const postLogout = sameOriginPath(r.params.get('post_logout_redirect'));
  return k.page(r, 200, logoutPage(await k.context(r), { accounts, postLogout }));
}

export async function submitLogout(k: PageKit, r: PageRequest): Promise<void> {
  for (const session of r.state.sessions) await k.login.endSession(r.caller, session);
  k.setState(r, { ...r.state, sessions: [] });
  const target = sameOriginPath(r.params.get('post_logout_redirect'));
  if (target) return k.redirect(r, target);
  const t = await k.t(r);
  return k.page(
    r,
    200,
    messagePage(await k.context(r), 'title.loggedOut', t('intro.loggedOut'), {
      href: pageUrl('loginname', { kind: 'direct' }),
      label: t('link.signIn'),
    }),
  );
}

/** Only a path on this server (never `//host` or a scheme): no open redirects. */
function sameOriginPath(value: string | null): string | undefined {
  return value && /^\/(?![/\\])[^\s]*$/.test(value) ? value : undefined;
}
