import type { IdpKind } from '../../idps/idp-config.js';
import { LOGIN_BASE, pageUrl } from '../login-flow.js';
import { errorBox, h, hiddenFields, input, layout, type PageContext } from './layout.js';
import type { RegisterValues } from './register.views.js';

// The external identity providers on the pages: their buttons, the LDAP form, and the steps after
// an upstream sign-in no account is linked to (registration prefilled, linking an existing account).

export interface IdpOnPage {
  readonly idpId: string;
  readonly name: string;
  readonly kind: IdpKind;
}

/** A badge per kind: a letter on the provider's colour, drawn inline (no external assets; the CSP allows none). */
const BADGES: Record<IdpKind, readonly [string, string]> = {
  google: ['G', '#4285f4'],
  azureAd: ['M', '#2f2f2f'],
  github: ['GH', '#24292f'],
  githubEs: ['GH', '#24292f'],
  gitlab: ['GL', '#e24329'],
  gitlabSelfHosted: ['GL', '#e24329'],
  apple: ['A', '#000000'],
  saml: ['S', '#5b6b7b'],
  ldap: ['L', '#3b6e3b'],
  oidc: ['ID', '#4a5568'],
  oauth: ['O', '#4a5568'],
  jwt: ['J', '#4a5568'],
};

function badge(kind: IdpKind): string {
  const [letter, colour] = BADGES[kind];
  return `<svg class="idp-icon" width="20" height="20" viewBox="0 0 20 20" aria-hidden="true" focusable="false"><circle cx="10" cy="10" r="10" fill="${colour}"/><text x="10" y="14" text-anchor="middle" font-size="${letter.length > 1 ? 8 : 11}" font-family="sans-serif" font-weight="bold" fill="#ffffff">${h(letter)}</text></svg>`;
}

/**
 * One button per provider below the login name form: a form that starts the intent (CSRF-checked
 * like every form), or for LDAP a link to its username/password form.
 */
export function idpButtons(ctx: PageContext, idps: readonly IdpOnPage[]): string {
  if (!idps.length) return '';
  const t = ctx.t;
  const buttons = idps.map((idp) =>
    idp.kind === 'ldap'
      ? `<li><a class="button secondary idp" data-idp="${h(idp.idpId)}" href="${h(pageUrl('idp/ldap', ctx.flow, { idpId: idp.idpId }))}">${badge(idp.kind)}<span>${h(t('button.ldap', { name: idp.name }))}</span></a></li>`
      : `<li><form method="post" action="${LOGIN_BASE}/idp/start">${hiddenFields(ctx, { idpId: idp.idpId })}<button type="submit" class="secondary idp" data-idp="${h(idp.idpId)}">${badge(idp.kind)}<span>${h(t('button.idp', { name: idp.name }))}</span></button></form></li>`,
  );
  return `<section class="idps" aria-label="${h(t('label.orIdp'))}"><p class="hint">${h(t('label.orIdp'))}</p><ul class="idp-list">${buttons.join('')}</ul></section>`;
}

export function ldapPage(
  ctx: PageContext,
  v: { idpId: string; name: string; username?: string; errors?: string[] },
): string {
  const t = ctx.t;
  return layout(
    ctx,
    'title.loginname',
    `<p class="intro">${badge('ldap')} ${h(v.name)}</p>
<form method="post" action="${LOGIN_BASE}/idp/ldap" novalidate>${hiddenFields(ctx, { idpId: v.idpId })}
${errorBox(v.errors)}
${input('username', t('label.loginName'), `type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required autofocus value="${h(v.username)}"`, !!v.errors?.length)}
${input('password', t('label.password'), 'type="password" autocomplete="current-password" required', !!v.errors?.length)}
<div class="actions"><a class="button secondary" href="${h(pageUrl('loginname', ctx.flow))}">${h(t('button.back'))}</a><button type="submit" class="primary">${h(t('button.next'))}</button></div>
</form>`,
  );
}

/** A SAML IdP's HTTP-POST binding: the AuthnRequest form the login script posts at once. */
export function idpPostPage(ctx: PageContext, v: { url: string; fields: Readonly<Record<string, string>> }): string {
  const t = ctx.t;
  const fields = Object.entries(v.fields)
    .map(([k, value]) => `<input type="hidden" name="${h(k)}" value="${h(value)}">`)
    .join('');
  return layout(
    ctx,
    'title.loginname',
    `<form method="post" action="${h(v.url)}" id="auto-post">${fields}
<div class="actions"><button type="submit" class="primary">${h(t('button.next'))}</button></div>
</form>`,
  );
}

/** The registration prefilled from the upstream profile; the account signs in through the provider (no password). */
export function idpRegisterPage(
  ctx: PageContext,
  v: { name: string; values: RegisterValues; errors?: string[]; invalid?: string[]; linkUrl?: string },
): string {
  const t = ctx.t;
  const bad = (f: string) => !!v.invalid?.includes(f);
  const val = (f: keyof RegisterValues) => `value="${h(v.values[f])}"`;
  return layout(
    ctx,
    'title.idpRegister',
    `<p class="intro">${h(t('intro.idpRegister', { name: v.name }))}</p>
<form method="post" action="${LOGIN_BASE}/idp/register" novalidate>${hiddenFields(ctx)}
${errorBox(v.errors)}
${input('givenName', t('label.givenName'), `type="text" autocomplete="given-name" required autofocus ${val('givenName')}`, bad('givenName'))}
${input('familyName', t('label.familyName'), `type="text" autocomplete="family-name" required ${val('familyName')}`, bad('familyName'))}
${input('email', t('label.email'), `type="email" autocomplete="email" autocapitalize="none" spellcheck="false" required ${val('email')}`, bad('email'))}
${input('username', t('label.username'), `type="text" autocomplete="username" autocapitalize="none" spellcheck="false" ${val('username')}`, bad('username'))}
<div class="actions">${v.linkUrl ? `<a class="button secondary" id="idp-link" href="${h(v.linkUrl)}">${h(t('link.idpLink'))}</a>` : ''}<button type="submit" class="primary">${h(t('button.register'))}</button></div>
</form>`,
  );
}

/** Linking an existing account: its login name first, then the account's own sign-in steps. */
export function idpLinkPage(
  ctx: PageContext,
  v: { name: string; loginName?: string; errors?: string[]; registerUrl?: string },
): string {
  const t = ctx.t;
  return layout(
    ctx,
    'title.idpLink',
    `<p class="intro">${h(t('intro.idpLink', { name: v.name }))}</p>
<form method="post" action="${LOGIN_BASE}/idp/link" novalidate>${hiddenFields(ctx)}
${errorBox(v.errors)}
${input('loginName', t('label.loginName'), `type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required autofocus value="${h(v.loginName)}"`, !!v.errors?.length)}
<div class="actions">${v.registerUrl ? `<a class="button secondary" id="idp-register" href="${h(v.registerUrl)}">${h(t('link.idpRegister'))}</a>` : ''}<button type="submit" class="primary">${h(t('button.next'))}</button></div>
</form>`,
  );
}
