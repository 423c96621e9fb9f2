import { pageUrl } from '../login-flow.js';
import type { PageRequest } from '../http/page-request.js';
import { PageKit } from './page-kit.js';

// The first page of a sign-in: which step an OIDC, SAML or device request (or none) starts with.

/**
 * `?authRequest=` (OIDC), `?userCode=` (device, after the device page) or nothing. prompt=login
 * (or create, or SAML's ForceAuthn) always asks for a login name; select_account, or several
 * sessions in this browser, show the account list; one session (or the id_token_hint's user)
 * continues with it.
 */
export async function entry(k: PageKit, r: PageRequest): Promise<void> {
  // SAML: the request must be pending (GetSAMLRequest); then the same steps as for OIDC.
  const saml = r.flow.kind === 'saml' ? await k.samlRequestOf(r) : undefined;
  const ar = await k.authRequestOf(r);
  const prompt = ar?.prompt ?? [];
  if (prompt.includes('create') && (await k.registerAllowed(r))) return k.redirect(r, pageUrl('register', r.flow));
  if (prompt.includes('login') || prompt.includes('create') || saml?.forceAuthn)
    return k.redirect(r, pageUrl('loginname', r.flow));
  const accounts = await k.accounts(r);
  const active = accounts.filter((a) => a.active);
  const hinted = ar?.hintUserId ? active.find((a) => a.userId === ar.hintUserId) : undefined;
  if (r.flow.kind === 'direct') {
    return accounts.length ? k.redirect(r, pageUrl('accounts', r.flow)) : k.redirect(r, pageUrl('loginname', r.flow));
  }
  if (!prompt.includes('select_account')) {
    const only = hinted ?? (active.length === 1 && accounts.length === 1 ? active[0] : undefined);
    if (only) return k.go(r, await k.login.advance(r.caller, r.flow, k.sessionById(r, only.session), false));
  }
  if (accounts.length) return k.redirect(r, pageUrl('accounts', r.flow));
  return k.redirect(r, pageUrl('loginname', r.flow));
}
