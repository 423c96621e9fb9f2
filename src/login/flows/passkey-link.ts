import { isError } from '../../platform/errors/domain-error.js';
import { CODE_EXPIRED, CODE_INVALID } from '../../users/users.errors.js';
import { LoginProblem } from '../login.service.js';
import { passkeyAddedPage, passkeyLinkPage, webAuthnSetupPage } from '../views/webauthn.views.js';
import type { PageRequest } from '../http/page-request.js';
import { PageKit } from './page-kit.js';
import { WEBAUTHN_REGISTRATION_FAILED } from './page-errors.js';

// Passkey registration links (CreatePasskeyRegistrationLink: /passkey/set?userId=&codeId=&code=).

/**
 * Holding the code authorises one passkey for the user, without a session (as ZITADEL's login at
 * the same path). Opening the link only shows what it is for: mail scanners open links too, and
 * must not spend the code. The button (a POST) spends it, see `startPasskeyLink`.
 */
export async function showPasskeyLink(k: PageKit, r: PageRequest): Promise<void> {
  const user = await k.linkUser(r);
  const hidden = { userId: user.id, codeId: r.params.get('codeId') ?? '', code: r.params.get('code') ?? '' };
  if (!hidden.codeId || !hidden.code) throw new LoginProblem('error.passkeyLink');
  return k.page(r, 200, passkeyLinkPage(await k.context(r), { user, hidden }));
}

/** The link's POSTs: the button spends the code on RegisterPasskey; then the credential arrives. */
export function submitPasskeyLink(k: PageKit, r: PageRequest): Promise<void> {
  return r.params.has('credential') ? finishPasskeyLink(k, r) : startPasskeyLink(k, r);
}

/** RegisterPasskey with the code: a used, wrong or expired code registers nothing (the transaction rolls back) and the page says so. */
async function startPasskeyLink(k: PageKit, r: PageRequest): Promise<void> {
  const user = await k.linkUser(r);
  const code = { id: r.params.get('codeId') ?? '', code: r.params.get('code') ?? '' };
  if (!code.id || !code.code) throw new LoginProblem('error.passkeyLink');
  let registration;
  try {
    registration = await k.login.registerPasskeyWithCode(r.caller, user.id, k.rpDomain(r), code);
  } catch (err) {
    if (isError(err, CODE_INVALID, CODE_EXPIRED)) throw new LoginProblem('error.passkeyLink');
    throw err;
  }
  return k.page(
    r,
    200,
    webAuthnSetupPage(await k.context(r), {
      kind: 'passkey',
      user,
      action: 'passkey/set',
      hidden: { userId: user.id, registration: registration.id },
      options: registration.options,
    }),
  );
}

/**
 * The code is spent by now: what ties this POST to it is the pending credential's challenge,
 * sent only to the page the code opened, which the attestation must answer (verify checks it).
 * A failed answer cannot be retried without a new code, so the page asks for a new link.
 */
async function finishPasskeyLink(k: PageKit, r: PageRequest): Promise<void> {
  const user = await k.linkUser(r);
  try {
    const credential = JSON.parse(r.params.get('credential') ?? '');
    await k.login.verifyPasskeyOfLink(
      r.caller,
      user.id,
      r.params.get('registration') ?? '',
      credential,
      k.webAuthnName(r),
    );
  } catch (err) {
    if (err instanceof SyntaxError || isError(err, ...WEBAUTHN_REGISTRATION_FAILED))
      throw new LoginProblem('error.passkeyLinkFailed');
    throw err;
  }
  return k.page(r, 200, passkeyAddedPage(await k.context(r), { user }));
}
