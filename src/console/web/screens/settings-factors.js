// The login policy's second factors and multi factors, listed from the login policy the panel
// above reads, added and removed after a confirmation: the instance's with admin v1's methods, an
// org's own with management v1's. An org still on the instance's login policy has none of its own
// to change (the API answers NOT_FOUND), so its first change saves its own copy of the policy with
// the factor added or taken out, as the identity provider screen does for the providers it offers.
import { useState } from 'preact/hooks';
import { call } from '../api.js';
import { html } from '../html.js';
import { t } from '../i18n.js';
import { ConfirmButton, Empty, Section, Select, Table, useAction } from '../ui.js';
import { ADMIN, MANAGEMENT } from './policy-rules.js';
import { inheritedIdps, ownLoginPolicyRequest } from './settings.js';

/** Each kind: its v1 method stem, its field in the login policy, and the factors the API knows. */
const KINDS = [
  {
    stem: 'SecondFactor',
    field: 'secondFactors',
    title: 'settings.secondFactors',
    types: [
      'SECOND_FACTOR_TYPE_OTP',
      'SECOND_FACTOR_TYPE_U2F',
      'SECOND_FACTOR_TYPE_OTP_EMAIL',
      'SECOND_FACTOR_TYPE_OTP_SMS',
    ],
  },
  {
    stem: 'MultiFactor',
    field: 'multiFactors',
    title: 'settings.multiFactors',
    types: ['MULTI_FACTOR_TYPE_U2F_WITH_VERIFICATION'],
  },
];

/** @typedef {import('./settings.js').PanelState} PanelState */

/** @param {{ level: 'org' | 'instance', orgId: string, panel: PanelState }} props */
export function LoginFactors({ level, orgId, panel }) {
  return html`${KINDS.map((kind) => html`<${FactorList} kind=${kind} level=${level} orgId=${orgId} panel=${panel} />`)}`;
}

/**
 * Adds (`on`) or removes a factor at the level: the org's own copy of its inherited login policy
 * when it has none yet, else the level's Add…To / Remove…From method.
 * @param {typeof KINDS[number]} kind @param {'org' | 'instance'} level @param {string} orgId
 * @param {PanelState} panel @param {string} type @param {boolean} on
 */
function changeFactor(kind, level, orgId, panel, type, on) {
  const verb = on ? `Add${kind.stem}ToLoginPolicy` : `Remove${kind.stem}FromLoginPolicy`;
  if (level === 'instance') return call(`${ADMIN}/${verb}`, { type });
  if (!panel.inherited) return call(`${MANAGEMENT}/${verb}`, { type }, { orgId });
  const own = ownLoginPolicyRequest(panel.policy);
  /** @type {string[]} */
  const current = panel.policy?.[kind.field] ?? [];
  own[kind.field] = on ? [...current, type] : current.filter((f) => f !== type);
  return call(`${MANAGEMENT}/AddCustomLoginPolicy`, { ...own, idps: inheritedIdps(panel.policy) }, { orgId });
}

/** @param {{ kind: typeof KINDS[number], level: 'org' | 'instance', orgId: string, panel: PanelState }} props */
function FactorList({ kind, level, orgId, panel }) {
  const [chosen, setChosen] = useState('');
  const action = useAction();
  const { writable } = panel;
  /** @type {string[]} */
  const factors = panel.policy?.[kind.field] ?? [];
  const missing = kind.types.filter((f) => !factors.includes(f));
  const add = async () => {
    await changeFactor(kind, level, orgId, panel, chosen || missing[0], true);
    setChosen('');
    panel.reload();
  };
  /** @param {string} type */
  const remove = (type) =>
    action.run(
      async () => {
        await changeFactor(kind, level, orgId, panel, type, false);
        panel.reload();
      },
      t('settings.factorRemoved', { name: t(`factor.${type}`) }),
    );
  return html`<${Section} title=${t(kind.title)}>
    ${factors.length === 0 ? html`<${Empty} />` : ''}
    <${Table}
      head=${[t('settings.factor'), '']}
      rows=${factors.map((f) => [
        t(`factor.${f}`),
        writable
          ? html`<${ConfirmButton} label=${t('settings.removeFactor')} question=${t('settings.removeFactorConfirm', { name: t(`factor.${f}`) })}
              onConfirm=${() => remove(f)} />`
          : '',
      ])} />
    ${level === 'org' && panel.inherited && writable ? html`<p class="badge">${t('settings.factorsInherited')}</p>` : ''}
    ${
      writable && missing.length > 0
        ? html`<form class="grid" onSubmit=${action.submit(add, t('settings.factorAdded'))}>
          <${Select} label=${t('settings.addFactor')} value=${chosen || missing[0]} onChange=${setChosen}
            options=${missing.map((f) => ({ value: f, label: t(`factor.${f}`) }))} />
          <div><button type="submit" class="primary">${t('settings.add')}</button></div>
        </form>`
        : ''
    }
    ${action.feedback}
  <//>`;
}
