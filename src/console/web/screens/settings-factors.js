// The login policy's second factors and multi factors. The instance's are listed, added and
// removed with admin v1's methods; an org's are shown as its login policy holds them (ZITADEL's
// management methods for them are not served here, so an org keeps the factors it copied from
// the instance when it saved its own login settings).
import { useState } from 'preact/hooks';
import { call } from '../api.js';
import { html } from '../html.js';
import { t } from '../i18n.js';
import { can, useSession } from '../session.js';
import { ConfirmButton, LoadState, Section, Select, Table, useAction, useLoad } from '../ui.js';
import { ADMIN, MANAGEMENT } from './policy-rules.js';

/** Each kind: its v1 method stem, its field in the login policy, and the factors the API knows. */
const KINDS = [
  {
    stem: 'SecondFactor',
    list: 'LoginPolicySecondFactors',
    field: 'secondFactors',
    title: 'settings.secondFactors',
    types: ['SECOND_FACTOR_TYPE_OTP', 'SECOND_FACTOR_TYPE_U2F', 'SECOND_FACTOR_TYPE_OTP_EMAIL', 'SECOND_FACTOR_TYPE_OTP_SMS'],
  },
  {
    stem: 'MultiFactor',
    list: 'LoginPolicyMultiFactors',
    field: 'multiFactors',
    title: 'settings.multiFactors',
    types: ['MULTI_FACTOR_TYPE_U2F_WITH_VERIFICATION'],
  },
];

/** @param {{ level: 'org' | 'instance', orgId: string }} props */
export function LoginFactors({ level, orgId }) {
  return html`${KINDS.map((kind) => html`<${FactorList} kind=${kind} level=${level} orgId=${orgId} />`)}`;
}

/** @param {{ kind: typeof KINDS[number], level: 'org' | 'instance', orgId: string }} props */
function FactorList({ kind, level, orgId }) {
  const { session } = useSession();
  const writable = level === 'instance' && can(session, 'iam.policy.write');
  const load = useLoad(async () => {
    if (level === 'instance') return (await call(`${ADMIN}/List${kind.list}`)).result ?? [];
    return (await call(`${MANAGEMENT}/GetLoginPolicy`, {}, { orgId })).policy?.[kind.field] ?? [];
  }, [level, orgId]);
  const [chosen, setChosen] = useState('');
  const action = useAction();
  /** @type {string[]} */
  const factors = load.data ?? [];
  const missing = kind.types.filter((f) => !factors.includes(f));
  const add = async () => {
    await call(`${ADMIN}/Add${kind.stem}ToLoginPolicy`, { type: chosen || missing[0] });
    setChosen('');
    load.reload();
  };
  /** @param {string} type */
  const remove = (type) =>
    action.run(async () => {
      await call(`${ADMIN}/Remove${kind.stem}FromLoginPolicy`, { type });
      load.reload();
    }, t('settings.factorRemoved', { name: t(`factor.${type}`) }));
  return html`<${Section} title=${t(kind.title)}>
    <${LoadState} load=${load} count=${factors.length} />
    <${Table}
      head=${[t('settings.factor'), '']}
      rows=${factors.map((f) => [
        t(`factor.${f}`),
        writable
          ? html`<${ConfirmButton} label=${t('settings.removeFactor')} question=${t('settings.removeFactorConfirm', { name: t(`factor.${f}`) })}
              onConfirm=${() => remove(f)} />`
          : '',
      ])} />
    ${level === 'org' ? html`<p class="badge">${t('settings.factorsOfInstance')}</p>` : ''}
    ${writable && missing.length > 0
      ? html`<form class="grid" onSubmit=${action.submit(add, t('settings.factorAdded'))}>
          <${Select} label=${t('settings.addFactor')} value=${chosen || missing[0]} onChange=${setChosen}
            options=${missing.map((f) => ({ value: f, label: t(`factor.${f}`) }))} />
          <div><button type="submit" class="primary">${t('settings.add')}</button></div>
        </form>`
      : ''}
    ${action.feedback}
  <//>`;
}
