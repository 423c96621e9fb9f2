// One form for every kind of identity provider, drawn from the kind's description (idp-kinds.js):
// empty to add one, or filled with a stored provider to update it (secrets left empty keep the
// stored ones), with the options every kind has.
import { useState } from 'preact/hooks';
import { call } from '../api.js';
import { html } from '../html.js';
import { t } from '../i18n.js';
import { Check, Field, Section, Select, useAction } from '../ui.js';
import { KINDS, formValues, kindDef, kindOf, optionsOf, providerRequest } from './idp-kinds.js';

const ADMIN = 'zitadel.admin.v1.AdminService';
const MANAGEMENT = 'zitadel.management.v1.ManagementService';

/**
 * Where a provider lives: the instance's (admin API) or the current org's (management API).
 * @typedef {{ level: 'org' | 'instance', orgId: string }} IdpLevel
 */

/** @param {IdpLevel} at @param {string} method @param {unknown} [body] */
export const idpCall = (at, method, body = {}) =>
  at.level === 'instance'
    ? call(`${ADMIN}/${method}`, body)
    : call(`${MANAGEMENT}/${method}`, body, { orgId: at.orgId });

/** @param {string} kind */
export const kindName = (kind) => t(`idps.kind.${kind}`);

const AUTO_LINKING = ['AUTO_LINKING_OPTION_UNSPECIFIED', 'AUTO_LINKING_OPTION_USERNAME', 'AUTO_LINKING_OPTION_EMAIL'];

/**
 * @param {{ at: IdpLevel, provider?: any, onSaved: (id: string) => void }} props without
 *   `provider` a new one of a kind the user chooses
 */
export function ProviderForm({ at, provider, onSaved }) {
  const [kind, setKind] = useState(provider ? kindOf(provider) : 'oidc');
  const def = kindDef(kind);
  const [name, setName] = useState(provider?.name ?? '');
  const [values, setValues] = useState(() => formValues(def, provider?.config?.[kind]));
  const [options, setOptions] = useState(() => optionsOf(provider?.config?.options));
  const action = useAction();
  const chooseKind = (/** @type {string} */ k) => {
    setKind(k);
    setValues(formValues(kindDef(k)));
  };
  const save = async () => {
    const body = providerRequest(def, name, values, options);
    const answer = await idpCall(
      at,
      `${provider ? 'Update' : 'Add'}${def.method}`,
      provider ? { id: provider.id, ...body } : body,
    );
    if (provider) {
      // What was sent is kept in the form, but not the secrets: they are stored, not shown.
      setValues(
        Object.fromEntries(
          def.fields.map((x) => [x.key, x.type === 'secret' || x.type === 'secretBytes' ? '' : values[x.key]]),
        ),
      );
    } else {
      setName('');
      setValues(formValues(def));
      setOptions(optionsOf());
    }
    onSaved(provider?.id ?? answer.id);
  };
  const title = provider ? t('idps.edit', { name: provider.name }) : t('idps.add', { kind: kindName(kind) });
  /** @param {string} key @param {unknown} v */
  const set = (key, v) => setValues({ ...values, [key]: /** @type {string | boolean} */ (v) });
  /** @param {keyof typeof options} key @param {unknown} v */
  const setOption = (key, v) => setOptions({ ...options, [key]: v });
  return html`<${Section} title=${title}>
    <form onSubmit=${action.submit(save, t(provider ? 'idps.saved' : 'idps.added', { name }))} class="grid">
      ${
        provider
          ? ''
          : html`<${Select} label=${t('idps.kind')} value=${kind} onChange=${chooseKind}
            options=${KINDS.map((k) => ({ value: k.kind, label: kindName(k.kind) }))} />`
      }
      <${Field} label=${t('common.name')} value=${name} onInput=${setName} required />
      ${def.fields.map((field) => {
        const label = t(`idps.${field.key}`);
        const value = values[field.key];
        if (field.type === 'bool')
          return html`<${Check} label=${label} checked=${value === true} onChange=${(/** @type {boolean} */ v) => set(field.key, v)} />`;
        if (field.type === 'choice') {
          return html`<${Select} label=${label} value=${String(value)} onChange=${(/** @type {string} */ v) => set(field.key, v)}
            options=${(field.choices ?? []).map((c) => ({ value: c, label: c.replace(/^SAML_(BINDING|NAME_ID_FORMAT)_/, '') }))} />`;
        }
        const secret = field.type === 'secret' || field.type === 'secretBytes';
        return html`<${Field} label=${label} value=${String(value)} onInput=${(/** @type {string} */ v) => set(field.key, v)}
          type=${field.type === 'url' ? 'url' : field.type === 'seconds' ? 'number' : secret && field.type === 'secret' ? 'password' : 'text'}
          autocomplete=${secret ? 'new-password' : 'off'}
          multiline=${field.type === 'bytes' || field.type === 'secretBytes'}
          required=${Boolean(field.required) || (secret && !provider)}
          hint=${secret && provider ? t('idps.secretKept') : field.type === 'tenant' ? t('idps.tenantHint') : undefined} />`;
      })}
      <fieldset class="wide">
        <legend>${t('idps.options')}</legend>
        ${['isLinkingAllowed', 'isCreationAllowed', 'isAutoCreation', 'isAutoUpdate'].map(
          (/** @type {'isLinkingAllowed' | 'isCreationAllowed' | 'isAutoCreation' | 'isAutoUpdate'} */ key) =>
            html`<${Check} label=${t(`idps.${key}`)} checked=${options[key] === true} onChange=${(/** @type {boolean} */ v) => setOption(key, v)} />`,
        )}
        <${Select} label=${t('idps.autoLinking')} value=${String(options.autoLinking ?? AUTO_LINKING[0])}
          onChange=${(/** @type {string} */ v) => setOption('autoLinking', v)}
          options=${AUTO_LINKING.map((o) => ({ value: o, label: t(`idps.autoLinking.${o.replace('AUTO_LINKING_OPTION_', '')}`) }))} />
      </fieldset>
      <div><button type="submit" class="primary">${provider ? t('idps.save') : title}</button></div>
    </form>
    ${action.feedback}
  <//>`;
}
