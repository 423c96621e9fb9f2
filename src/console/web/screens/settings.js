// The settings in force in the current org, read-only: login, password complexity and lockout,
// each marked as the instance's (inherited) or the org's own (overridden), as the settings API
// reports them.
import { call } from '../api.js';
import { html } from '../html.js';
import { t } from '../i18n.js';
import { can, useSession } from '../session.js';
import { ErrorNotice, Forbidden, Loading, Section, useLoad } from '../ui.js';

const SETTINGS = 'zitadel.settings.v2.SettingsService';

/** @param {unknown} v a setting's value as the JSON has it (booleans and enums left out when false or first) */
const shown = (v) => (v === true ? t('settings.yes') : v === false || v === undefined ? t('settings.no') : String(v));

/**
 * @param {{ title: string, load: { data?: any, error: unknown, loading: boolean }, rows: [string, unknown][] }} props
 */
function Settings({ title, load, rows }) {
  const owner = load.data?.settings?.resourceOwnerType;
  return html`<${Section} title=${title}>
    ${load.loading ? html`<${Loading} />` : ''}
    <${ErrorNotice} error=${load.error} />
    ${load.data
      ? html`<p class="badge">${owner === 'RESOURCE_OWNER_TYPE_ORG' ? t('settings.overridden') : t('settings.inherited')}</p>
          <dl class="facts">${rows.map(([label, value]) => html`<dt>${t(label)}</dt><dd>${shown(value)}</dd>`)}</dl>`
      : ''}
  <//>`;
}

export function SettingsScreen() {
  const { session } = useSession();
  const allowed = can(session, 'policy.read');
  const ctx = { ctx: { orgId: session.orgId } };
  const login = useLoad(() => call(`${SETTINGS}/GetLoginSettings`, ctx), [session.orgId], allowed);
  const password = useLoad(() => call(`${SETTINGS}/GetPasswordComplexitySettings`, ctx), [session.orgId], allowed);
  const lockout = useLoad(() => call(`${SETTINGS}/GetLockoutSettings`, ctx), [session.orgId], allowed);
  if (!allowed) return html`<${Forbidden} />`;
  const l = login.data?.settings ?? {};
  const p = password.data?.settings ?? {};
  const lo = lockout.data?.settings ?? {};
  return html`<div>
    <h1>${t('settings.title')}</h1>
    <${Settings} title=${t('settings.login')} load=${login} rows=${[
      ['settings.allowUsernamePassword', l.allowUsernamePassword],
      ['settings.allowRegister', l.allowRegister],
      ['settings.allowExternalIdp', l.allowExternalIdp],
      ['settings.forceMfa', l.forceMfa],
      ['settings.hidePasswordReset', l.hidePasswordReset],
    ]} />
    <${Settings} title=${t('settings.password')} load=${password} rows=${[
      ['settings.minLength', p.minLength ?? '0'],
      ['settings.requiresUppercase', p.requiresUppercase],
      ['settings.requiresLowercase', p.requiresLowercase],
      ['settings.requiresNumber', p.requiresNumber],
      ['settings.requiresSymbol', p.requiresSymbol],
    ]} />
    <${Settings} title=${t('settings.lockout')} load=${lockout} rows=${[
      ['settings.maxPasswordAttempts', lo.maxPasswordAttempts ?? '0'],
      ['settings.maxOtpAttempts', lo.maxOtpAttempts ?? '0'],
    ]} />
  </div>`;
}
