// Login, password complexity and lockout settings, edited through ZITADEL's v1 policy methods: at
// the instance (admin API: the defaults every org inherits) or in the current org (management API:
// inherited until the org saves its own, and reset to the instance's again).
import { useState } from 'preact/hooks';
import { call } from '../api.js';
import { html } from '../html.js';
import { t } from '../i18n.js';
import { can, useSession } from '../session.js';
import { Check, ConfirmButton, Field, Forbidden, LoadState, Section, Select, useAction, useLoad } from '../ui.js';

/**
 * Each policy: its v1 name, the fields the form edits (with their label), and the fields of the
 * policy the form does not show, sent back unchanged (an update replaces the whole policy).
 * @typedef {{ name: string, title: string, fields: [string, string, 'bool' | 'number'][], keep: string[], keepOnAdd?: string[] }} Policy
 * @type {Policy[]}
 */
const POLICIES = [
  {
    name: 'LoginPolicy',
    title: 'settings.login',
    fields: [
      ['allowUsernamePassword', 'settings.allowUsernamePassword', 'bool'],
      ['allowRegister', 'settings.allowRegister', 'bool'],
      ['allowExternalIdp', 'settings.allowExternalIdp', 'bool'],
      ['forceMfa', 'settings.forceMfa', 'bool'],
      ['hidePasswordReset', 'settings.hidePasswordReset', 'bool'],
    ],
    keep: [
      'passwordlessType',
      'ignoreUnknownUsernames',
      'defaultRedirectUri',
      'passwordCheckLifetime',
      'externalLoginCheckLifetime',
      'mfaInitSkipLifetime',
      'secondFactorCheckLifetime',
      'multiFactorCheckLifetime',
      'allowDomainDiscovery',
      'disableLoginWithEmail',
      'disableLoginWithPhone',
      'forceMfaLocalOnly',
    ],
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
    name: 'LockoutPolicy',
    title: 'settings.lockout',
    fields: [
      ['maxPasswordAttempts', 'settings.maxPasswordAttempts', 'number'],
      ['maxOtpAttempts', 'settings.maxOtpAttempts', 'number'],
    ],
    keep: [],
  },
];

const ADMIN = 'zitadel.admin.v1.AdminService';
const MANAGEMENT = 'zitadel.management.v1.ManagementService';

/**
 * The request that saves `values` over `policy`: the edited fields and the kept ones.
 * @param {Policy} def @param {any} policy as read @param {Record<string, unknown>} values @param {boolean} adding
 */
function requestOf(def, policy, values, adding) {
  /** @type {Record<string, unknown>} */
  const body = {};
  for (const key of [...def.keep, ...(adding ? (def.keepOnAdd ?? []) : [])]) if (policy[key] !== undefined) body[key] = policy[key];
  for (const [key, , type] of def.fields) body[key] = type === 'number' ? Number(values[key] ?? 0) : values[key] === true;
  return body;
}

/**
 * AddCustomLoginPolicy's request that gives an org its own copy of the login policy it inherits
 * (every field; the identity providers are the caller's to name).
 * @param {any} policy the inherited zitadel.policy.v1.LoginPolicy
 */
export function ownLoginPolicyRequest(policy) {
  const def = POLICIES[0];
  return requestOf(def, policy, Object.fromEntries(def.fields.map(([key]) => [key, policy[key]])), true);
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
 * @param {{ def: Policy, level: 'org' | 'instance', orgId: string, writable: boolean, resettable: boolean }} props
 */
function PolicyPanel({ def, level, orgId, writable, resettable }) {
  const opts = level === 'org' ? { orgId } : {};
  const service = level === 'org' ? MANAGEMENT : ADMIN;
  const load = useLoad(() => call(`${service}/Get${def.name}`, {}, opts), [level, orgId]);
  const action = useAction();
  const [edits, setEdits] = useState(/** @type {Record<string, unknown>} */ ({}));
  const policy = load.data?.policy;
  // isDefault (beside the policy or in it; JSON leaves it out when false): the org has none of its own yet.
  const inherited = level === 'org' && (load.data?.isDefault === true || policy?.isDefault === true);
  /** @param {string} key */
  const value = (key) => (key in edits ? edits[key] : policy?.[key]);
  const save = async () => {
    const values = Object.fromEntries(def.fields.map(([key]) => [key, value(key)]));
    const method = level === 'instance' ? `Update${def.name}` : inherited ? `AddCustom${def.name}` : `UpdateCustom${def.name}`;
    const body = requestOf(def, policy, values, method.startsWith('Add'));
    // An org's first own login policy keeps offering the providers it offered while it inherited.
    if (method === 'AddCustomLoginPolicy') body.idps = inheritedIdps(policy);
    await call(`${service}/${method}`, body, opts);
    setEdits({});
    load.reload();
  };
  const reset = () =>
    action.run(async () => {
      await call(`${MANAGEMENT}/Reset${def.name}ToDefault`, {}, opts);
      setEdits({});
      load.reload();
    }, t('settings.resetDone'));
  return html`<${Section} title=${t(def.title)}>
    <${LoadState} load=${load} count=${1} />
    ${policy
      ? html`${level === 'org' ? html`<p class="badge">${inherited ? t('settings.inherited') : t('settings.overridden')}</p>` : ''}
          <form onSubmit=${action.submit(save, t('users.saved'))} class="grid">
            <fieldset disabled=${!writable}>
              ${def.fields.map(([key, label, type]) =>
                type === 'bool'
                  ? html`<${Check} label=${t(label)} checked=${value(key) === true} onChange=${(/** @type {boolean} */ v) => setEdits({ ...edits, [key]: v })} />`
                  : html`<${Field} label=${t(label)} type="number" value=${String(value(key) ?? '0')}
                      onInput=${(/** @type {string} */ v) => setEdits({ ...edits, [key]: v })} required />`,
              )}
            </fieldset>
            ${writable ? html`<div><button type="submit" class="primary">${t('settings.save')}</button></div>` : ''}
          </form>
          ${level === 'org' && !inherited && resettable
            ? html`<div class="actions"><${ConfirmButton} label=${t('settings.reset')} question=${t('settings.resetConfirm', { name: t(def.title) })} onConfirm=${reset} /></div>`
            : ''}`
      : ''}
    ${action.feedback}
  <//>`;
}

export function SettingsScreen() {
  const { session } = useSession();
  const instanceReadable = can(session, 'iam.policy.read');
  const [level, setLevel] = useState(/** @type {'org' | 'instance'} */ ('org'));
  if (!can(session, 'policy.read') && !instanceReadable) return html`<${Forbidden} />`;
  const shown = can(session, 'policy.read') ? level : 'instance';
  const writable = shown === 'org' ? can(session, 'policy.write') : can(session, 'iam.policy.write');
  return html`<div>
    <h1>${t('settings.title')}</h1>
    ${instanceReadable && can(session, 'policy.read')
      ? html`<${Select} label=${t('settings.level')} value=${level} onChange=${setLevel}
          options=${[{ value: 'org', label: t('settings.levelOrg') }, { value: 'instance', label: t('settings.levelInstance') }]} />`
      : ''}
    ${POLICIES.map(
      (def) => html`<${PolicyPanel} key=${`${def.name}-${shown}-${session.orgId}`} def=${def} level=${shown} orgId=${session.orgId}
        writable=${writable} resettable=${can(session, 'policy.delete')} />`,
    )}
  </div>`;
}
