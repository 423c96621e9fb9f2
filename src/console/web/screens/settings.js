// The instance's and the orgs' settings, edited through ZITADEL's v1 policy methods (and v2's
// security settings): at the instance (admin API: the defaults every org inherits) or in the
// current org (management API: inherited until the org saves its own, and reset to the
// instance's again). Some exist only at the instance (security, OIDC token lifetimes).
import { useState } from 'preact/hooks';
import { call } from '../api.js';
import { html } from '../html.js';
import { t } from '../i18n.js';
import { href } from '../router.js';
import { can, useSession } from '../session.js';
import { Check, ConfirmButton, Field, Forbidden, LoadState, Section, Select, lazy, useAction, useLoad } from '../ui.js';
import { ADMIN, CODEC, endpointsOf, isCheckbox, requestOf, valueAt } from './policy-rules.js';
import { LoginFactors } from './settings-factors.js';

const Branding = lazy(() => import('./branding.js'), 'Branding');

/**
 * Each policy: its v1 name, the fields the form edits (a path into the policy, its label, its
 * type), and the fields of the policy the form does not show, sent back unchanged (an update
 * replaces the whole policy). `instance` names where the instance's is read and written when not
 * at admin Get/Update<name>; `orgByAdmin`: an org's own is written through the admin API (ZITADEL
 * keeps the domain policy for the instance's administrators).
 * @typedef {{
 *   name: string, title: string, fields: [string, string, FieldType][], keep: string[], keepOnAdd?: string[],
 *   read?: string, instanceOnly?: boolean, orgByAdmin?: boolean,
 *   instance?: { read: [string, string], save: [string, string], key: string, permissions: [string, string] },
 * }} Policy
 */

/** @typedef {import('./policy-rules.js').FieldType} FieldType */

/** @type {[string, string, FieldType][]} the login policy's lifetimes, as ZITADEL's console edits them: in hours */
const LIFETIMES = [
  ['passwordCheckLifetime', 'settings.passwordCheckLifetime', 'hours'],
  ['externalLoginCheckLifetime', 'settings.externalLoginCheckLifetime', 'hours'],
  ['mfaInitSkipLifetime', 'settings.mfaInitSkipLifetime', 'hours'],
  ['secondFactorCheckLifetime', 'settings.secondFactorCheckLifetime', 'hours'],
  ['multiFactorCheckLifetime', 'settings.multiFactorCheckLifetime', 'hours'],
];

/** @type {Policy[]} */
export const POLICIES = [
  {
    name: 'LoginPolicy',
    title: 'settings.login',
    fields: [
      ['allowUsernamePassword', 'settings.allowUsernamePassword', 'bool'],
      ['allowRegister', 'settings.allowRegister', 'bool'],
      ['allowExternalIdp', 'settings.allowExternalIdp', 'bool'],
      ['forceMfa', 'settings.forceMfa', 'bool'],
      ['hidePasswordReset', 'settings.hidePasswordReset', 'bool'],
      ['passwordlessType', 'settings.passwordlessAllowed', 'passwordless'],
      ['forceMfaLocalOnly', 'settings.forceMfaLocalOnly', 'bool'],
      ['ignoreUnknownUsernames', 'settings.ignoreUnknownUsernames', 'bool'],
      ['allowDomainDiscovery', 'settings.allowDomainDiscovery', 'bool'],
      ['disableLoginWithEmail', 'settings.disableLoginWithEmail', 'bool'],
      ['disableLoginWithPhone', 'settings.disableLoginWithPhone', 'bool'],
      ['defaultRedirectUri', 'settings.defaultRedirectUri', 'url'],
      ...LIFETIMES,
    ],
    keep: [],
    // An org's own login policy starts with the instance's factors (ZITADEL copies them the same way).
    keepOnAdd: ['secondFactors', 'multiFactors'],
  },
  {
    name: 'PasswordComplexityPolicy',
    title: 'settings.password',
    fields: [
      ['minLength', 'settings.minLength', 'number'],
      ['hasUppercase', 'settings.requiresUppercase', 'bool'],
      ['hasLowercase', 'settings.requiresLowercase', 'bool'],
      ['hasNumber', 'settings.requiresNumber', 'bool'],
      ['hasSymbol', 'settings.requiresSymbol', 'bool'],
    ],
    keep: [],
  },
  {
    name: 'PasswordAgePolicy',
    title: 'settings.passwordAge',
    fields: [
      ['maxAgeDays', 'settings.maxAgeDays', 'number'],
      ['expireWarnDays', 'settings.expireWarnDays', 'number'],
    ],
    keep: [],
  },
  {
    name: 'LockoutPolicy',
    title: 'settings.lockout',
    fields: [
      ['maxPasswordAttempts', 'settings.maxPasswordAttempts', 'number'],
      ['maxOtpAttempts', 'settings.maxOtpAttempts', 'number'],
    ],
    keep: [],
  },
  {
    name: 'DomainPolicy',
    title: 'settings.domain',
    fields: [
      ['userLoginMustBeDomain', 'settings.userLoginMustBeDomain', 'bool'],
      ['validateOrgDomains', 'settings.validateOrgDomains', 'bool'],
      ['smtpSenderAddressMatchesInstanceDomain', 'settings.smtpSenderMatchesDomain', 'bool'],
    ],
    keep: [],
    orgByAdmin: true,
  },
  {
    name: 'PrivacyPolicy',
    title: 'settings.legal',
    fields: [
      ['tosLink', 'settings.tosLink', 'url'],
      ['privacyLink', 'settings.privacyLink', 'url'],
      ['helpLink', 'settings.helpLink', 'url'],
      ['docsLink', 'settings.docsLink', 'url'],
      ['supportEmail', 'settings.supportEmail', 'email'],
      ['customLink', 'settings.customLink', 'url'],
      ['customLinkText', 'settings.customLinkText', 'text'],
    ],
    keep: [],
  },
  {
    name: 'NotificationPolicy',
    title: 'settings.notification',
    fields: [['passwordChange', 'settings.notifyPasswordChange', 'bool']],
    keep: [],
  },
  {
    name: 'SecuritySettings',
    title: 'settings.security',
    fields: [
      ['embeddedIframe.enabled', 'settings.iframeEnabled', 'bool'],
      ['embeddedIframe.allowedOrigins', 'settings.iframeOrigins', 'lines'],
      ['enableImpersonation', 'settings.impersonation', 'bool'],
    ],
    keep: [],
    instanceOnly: true,
    instance: {
      read: ['zitadel.settings.v2.SettingsService', 'GetSecuritySettings'],
      save: ['zitadel.settings.v2.SettingsService', 'SetSecuritySettings'],
      key: 'settings',
      permissions: ['iam.policy.read', 'iam.policy.write'],
    },
  },
  {
    name: 'OIDCSettings',
    title: 'settings.oidc',
    fields: [
      ['accessTokenLifetime', 'settings.accessTokenLifetime', 'hours'],
      ['idTokenLifetime', 'settings.idTokenLifetime', 'hours'],
      ['refreshTokenIdleExpiration', 'settings.refreshTokenIdleExpiration', 'hours'],
      ['refreshTokenExpiration', 'settings.refreshTokenExpiration', 'hours'],
    ],
    keep: [],
    instanceOnly: true,
    instance: {
      read: [ADMIN, 'GetOIDCSettings'],
      save: [ADMIN, 'UpdateOIDCSettings'],
      key: 'settings',
      permissions: ['iam.read', 'iam.write'],
    },
  },
];

/**
 * AddCustomLoginPolicy's request that gives an org its own copy of the login policy it inherits
 * (every field; the identity providers are the caller's to name).
 * @param {any} policy the inherited zitadel.policy.v1.LoginPolicy
 */
export function ownLoginPolicyRequest(policy) {
  const def = POLICIES[0];
  const values = Object.fromEntries(
    def.fields.map(([path, , type]) => [path, CODEC.toForm(type, valueAt(policy, path))]),
  );
  return requestOf(def, policy, values, true);
}

/**
 * The identity providers an inherited login policy offers, as AddCustomLoginPolicy names them:
 * all the instance's (an org's own providers are only on its own policy).
 * @param {any} policy the inherited zitadel.policy.v1.LoginPolicy
 * @returns {{ idpId: string, ownerType: string }[]}
 */
export const inheritedIdps = (policy) =>
  (policy?.idps ?? []).map((/** @type {any} */ l) => ({ idpId: l.idpId, ownerType: 'IDP_OWNER_TYPE_SYSTEM' }));

/**
 * What a panel hands to its extra part: the fields as edited, the policy as read, and more.
 * @typedef {{ value: (path: string) => unknown, policy: any, inherited: boolean, writable: boolean, reload: () => void }} PanelState
 */

/**
 * `extra` is shown inside the panel, `after` as panels of their own below it.
 * @param {{ def: Policy, level: 'org' | 'instance', orgId: string,
 *   extra?: (panel: PanelState) => any, after?: (panel: PanelState) => any }} props
 */
export function PolicyPanel({ def, level, orgId, extra, after }) {
  const { session } = useSession();
  const at = endpointsOf(def, level, orgId);
  const writable = can(session, at.write);
  const load = useLoad(() => call(at.read.join('/'), {}, at.opts), [level, orgId]);
  const action = useAction();
  const [edits, setEdits] = useState(/** @type {Record<string, unknown>} */ ({}));
  const policy = load.data?.[at.key];
  // isDefault (beside the policy or in it; JSON leaves it out when false): the org has none of its own yet.
  const inherited = level === 'org' && (load.data?.isDefault === true || policy?.isDefault === true);
  /** @param {string} path */
  const value = (path) =>
    path in edits
      ? edits[path]
      : CODEC.toForm(/** @type {FieldType} */ (def.fields.find((f) => f[0] === path)?.[2]), valueAt(policy, path));
  const save = async () => {
    const values = Object.fromEntries(def.fields.map(([path]) => [path, value(path)]));
    const [service, method] = at.save(inherited);
    const body = /** @type {Record<string, unknown>} */ ({
      ...requestOf(def, policy, values, method.startsWith('Add')),
      ...at.extra,
    });
    // An org's first own login policy keeps offering the providers it offered while it inherited.
    if (method === 'AddCustomLoginPolicy') body.idps = inheritedIdps(policy);
    await call(`${service}/${method}`, body, at.opts);
    setEdits({});
    load.reload();
  };
  const reset = () =>
    action.run(async () => {
      await call(/** @type {string[]} */ (at.reset).join('/'), at.extra, at.opts);
      setEdits({});
      load.reload();
    }, t('settings.resetDone'));
  /** @type {PanelState} */
  const state = { value, policy, inherited, writable, reload: load.reload };
  /** @param {string} path */
  const edit = (path) => (/** @type {unknown} */ v) => setEdits({ ...edits, [path]: v });
  return html`<${Section} title=${t(def.title)}>
    <${LoadState} load=${load} count=${1} />
    ${
      policy
        ? html`${level === 'org' ? html`<p class="badge">${inherited ? t('settings.inherited') : t('settings.overridden')}</p>` : ''}
          <form onSubmit=${action.submit(save, t('users.saved'))} class="grid">
            <fieldset disabled=${!writable}>
              ${def.fields.map(([path, label, type]) =>
                isCheckbox(type)
                  ? html`<${Check} label=${t(label)} checked=${value(path) === true} onChange=${edit(path)} />`
                  : html`<${Field} label=${t(label)} type=${type === 'hours' || type === 'number' ? 'number' : type === 'lines' ? 'text' : type}
                      multiline=${type === 'lines'} step=${type === 'hours' ? 'any' : undefined} value=${String(value(path))} onInput=${edit(path)} required=${type === 'number' || type === 'hours'} />`,
              )}
            </fieldset>
            ${writable ? html`<div><button type="submit" class="primary">${t('settings.save')}</button></div>` : ''}
          </form>
          ${extra ? extra(state) : ''}
          ${
            level === 'org' && !inherited && at.reset && can(session, at.remove)
              ? html`<div class="actions"><${ConfirmButton} label=${t('settings.reset')} question=${t('settings.resetConfirm', { name: t(def.title) })} onConfirm=${reset} /></div>`
              : ''
          }`
        : ''
    }
    ${action.feedback}
  <//>${policy && after ? after(state) : ''}`;
}

/**
 * The settings in groups, each its own page (#/settings/<group>), so a page loads only its
 * panels; the security group exists only at the instance.
 */
const GROUPS = [
  {
    id: 'login',
    title: 'settings.group.login',
    policies: ['LoginPolicy', 'PasswordComplexityPolicy', 'PasswordAgePolicy', 'LockoutPolicy'],
  },
  { id: 'branding', title: 'settings.group.branding', policies: [] },
  { id: 'domain', title: 'settings.group.domain', policies: ['DomainPolicy', 'PrivacyPolicy', 'NotificationPolicy'] },
  { id: 'security', title: 'settings.group.security', policies: ['SecuritySettings', 'OIDCSettings'] },
];

/** @param {{ group?: string }} props */
export function SettingsScreen({ group }) {
  const { session } = useSession();
  const instanceReadable = can(session, 'iam.policy.read');
  const [level, setLevel] = useState(/** @type {'org' | 'instance'} */ ('org'));
  if (!can(session, 'policy.read') && !instanceReadable) return html`<${Forbidden} />`;
  const shown = can(session, 'policy.read') ? level : 'instance';
  /** @param {Policy} def */
  const visible = (def) =>
    shown === 'org' ? !def.instanceOnly : can(session, def.instance?.permissions[0] ?? 'iam.policy.read');
  const groups = GROUPS.filter(
    (g) => g.policies.length === 0 || POLICIES.some((def) => g.policies.includes(def.name) && visible(def)),
  );
  const current = groups.find((g) => g.id === group) ?? groups[0];
  const policies = POLICIES.filter((def) => current.policies.includes(def.name) && visible(def));
  /**
   * The login policy's panel lists its factors too: they change with the policy it reads (an org's
   * first change saves its own copy of it).
   * @param {Policy} def
   */
  const panel = (def) =>
    html`<${PolicyPanel} key=${`${def.name}-${shown}-${session.orgId}`} def=${def} level=${shown} orgId=${session.orgId}
      after=${def.name === 'LoginPolicy' ? (/** @type {PanelState} */ state) => html`<${LoginFactors} level=${shown} orgId=${session.orgId} panel=${state} />` : undefined} />`;
  return html`<div>
    <h1>${t('settings.title')}</h1>
    ${
      instanceReadable && can(session, 'policy.read')
        ? html`<${Select} label=${t('settings.level')} value=${level} onChange=${setLevel}
          options=${[{ value: 'org', label: t('settings.levelOrg') }, { value: 'instance', label: t('settings.levelInstance') }]} />`
        : ''
    }
    <nav class="tabs" aria-label=${t('settings.groups')}>
      ${groups.map((g) => html`<a href=${href('settings', g.id)} aria-current=${g === current ? 'page' : undefined}>${t(g.title)}</a>`)}
    </nav>
    ${policies.map(panel)}
    ${current.id === 'branding' ? html`<${Branding} key=${`branding-${shown}-${session.orgId}`} level=${shown} orgId=${session.orgId} />` : ''}
  </div>`;
}
