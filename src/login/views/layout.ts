import type { LegalSettings } from '../../settings/policies.queries.js';
import { LOGIN_BASE, flowParams, type Flow } from '../login-flow.js';
import type { Locale, MessageKey, Translate } from '../login.i18n.js';
import { safeAssetUrl } from '../../settings/branding.js';

// The frame every page shares (head, branding, footer links) and the small pieces forms are built of.

/** HTML-escapes text and attribute values. */
export function h(value: string | number | undefined): string {
  return String(value ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

/** What every page shares: language, CSRF token, branding and legal links. */
export interface PageContext {
  readonly locale: Locale;
  readonly t: Translate;
  readonly csrf: string;
  readonly flow: Flow;
  /** The stylesheet (with the org whose branding applies). */
  readonly cssUrl: string;
  readonly logoUrl: string;
  readonly logoUrlDark: string;
  readonly legal: LegalSettings;
  readonly hideLoginNameSuffix: boolean;
}

export interface ShownUser {
  readonly displayName: string;
  readonly loginName: string;
}

export function shownLoginName(ctx: PageContext, user: ShownUser & { username?: string; orgDomain?: string }): string {
  if (
    ctx.hideLoginNameSuffix &&
    user.username &&
    user.orgDomain &&
    user.loginName.toLowerCase() === `${user.username}@${user.orgDomain}`.toLowerCase()
  ) {
    return user.username;
  }
  return user.loginName;
}

export function hiddenFields(ctx: PageContext, extra: Record<string, string | undefined> = {}): string {
  const fields: [string, string][] = [['csrf', ctx.csrf], ...flowParams(ctx.flow)];
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) fields.push([k, v]);
  return fields.map(([k, v]) => `<input type="hidden" name="${h(k)}" value="${h(v)}">`).join('');
}

export function errorBox(errors: readonly string[] | undefined): string {
  if (!errors?.length) return '';
  return `<div class="error" role="alert" id="form-error">${errors.map((e) => `<p>${h(e)}</p>`).join('')}</div>`;
}

export function who(
  ctx: PageContext,
  user: (ShownUser & { username?: string; orgDomain?: string }) | undefined,
  switchUrl?: string,
): string {
  if (!user) return '';
  return `<div class="who"><strong>${h(user.displayName)}</strong><span>${h(shownLoginName(ctx, user))}</span>${
    switchUrl ? `<a href="${h(switchUrl)}">${h(ctx.t('link.notYou'))}</a>` : ''
  }</div>`;
}

export function layout(ctx: PageContext, titleKey: MessageKey, body: string): string {
  const t = ctx.t;
  const logo = safeAssetUrl(ctx.logoUrl);
  const logoDark = safeAssetUrl(ctx.logoUrlDark);
  const brand =
    logo || logoDark
      ? `<div class="brand">${logo ? `<img class="light${logoDark ? ' has-dark' : ''}" src="${h(logo)}" alt="">` : ''}${logoDark ? `<img class="dark" src="${h(logoDark)}" alt="">` : ''}</div>`
      : '';
  const links: [string, MessageKey][] = [
    [ctx.legal.tosLink, 'link.tos'],
    [ctx.legal.privacyLink, 'link.privacy'],
    [ctx.legal.helpLink, 'link.help'],
  ];
  const footer = [
    ...links
      .filter(([href]) => /^https?:\/\//.test(href))
      .map(([href, key]) => `<a href="${h(href)}" rel="noopener noreferrer">${h(t(key))}</a>`),
    ...(/^https?:\/\//.test(ctx.legal.customLink) && ctx.legal.customLinkText
      ? [`<a href="${h(ctx.legal.customLink)}" rel="noopener noreferrer">${h(ctx.legal.customLinkText)}</a>`]
      : []),
  ];
  return `<!doctype html>
<html lang="${ctx.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${h(t(titleKey))}</title>
<link rel="stylesheet" href="${h(ctx.cssUrl)}">
<script src="${LOGIN_BASE}/assets/login.js" defer></script>
</head>
<body>
<main>
${brand}<h1>${h(t(titleKey))}</h1>
${body}
</main>
${footer.length ? `<footer>${footer.join('')}</footer>` : ''}
</body>
</html>`;
}

export function input(id: string, label: string, attrs: string, error?: boolean): string {
  return `<label for="${id}">${h(label)}</label><input id="${id}" name="${id}" ${attrs}${error ? ' aria-invalid="true" aria-describedby="form-error"' : ''}>`;
}

export interface UserOnPage extends ShownUser {
  readonly username?: string;
  readonly orgDomain?: string;
}

export function messagePage(
  ctx: PageContext,
  titleKey: MessageKey,
  message: string,
  link?: { href: string; label: string },
): string {
  return layout(
    ctx,
    titleKey,
    `<p class="intro">${h(message)}</p>${link ? `<div class="actions"><a class="button primary" href="${h(link.href)}">${h(link.label)}</a></div>` : ''}`,
  );
}

export function errorPage(ctx: PageContext, message: string): string {
  return layout(ctx, 'title.error', `<div class="error" role="alert"><p>${h(message)}</p></div>`);
}
