// Identity providers of the current org (management v1: ListProviders answers the org's own and
// the instance's), adding a generic OIDC provider and deleting one of the org's after a confirmation.
import { useState } from 'preact/hooks';
import { call, listQuery } from '../api.js';
import { html } from '../html.js';
import { t } from '../i18n.js';
import { can, useSession } from '../session.js';
import { Check, ConfirmButton, Field, Forbidden, LoadState, Section, Table, useAction, useLoad } from '../ui.js';

const MANAGEMENT = 'zitadel.management.v1.ManagementService';

/** @param {{ orgId: string, onAdded: () => void }} props */
function AddOidcProvider({ orgId, onAdded }) {
  const empty = { name: '', issuer: '', clientId: '', clientSecret: '', scopes: 'openid profile email' };
  const [form, setForm] = useState(empty);
  const [usePkce, setUsePkce] = useState(true);
  const action = useAction();
  /** @param {keyof typeof empty} key */
  const field = (key) => (/** @type {string} */ v) => setForm({ ...form, [key]: v });
  const add = async () => {
    const scopes = form.scopes.split(/\s+/).filter(Boolean);
    await call(`${MANAGEMENT}/AddGenericOIDCProvider`, { ...form, scopes, usePkce }, { orgId });
    setForm(empty);
    onAdded();
  };
  return html`<${Section} title=${t('idps.add')}>
    <form onSubmit=${action.submit(add, t('idps.added', { name: form.name }))} class="grid">
      <${Field} label=${t('common.name')} value=${form.name} onInput=${field('name')} required />
      <${Field} label=${t('idps.issuer')} type="url" value=${form.issuer} onInput=${field('issuer')} required />
      <${Field} label=${t('idps.clientId')} value=${form.clientId} onInput=${field('clientId')} required />
      <${Field} label=${t('idps.clientSecret')} type="password" autocomplete="new-password" value=${form.clientSecret} onInput=${field('clientSecret')} required />
      <${Field} label=${t('idps.scopes')} value=${form.scopes} onInput=${field('scopes')} />
      <${Check} label=${t('idps.usePkce')} checked=${usePkce} onChange=${setUsePkce} />
      <div><button type="submit" class="primary">${t('idps.add')}</button></div>
    </form>
    ${action.feedback}
  <//>`;
}

export function IdpsScreen() {
  const { session } = useSession();
  const opts = { orgId: session.orgId };
  const list = useLoad(
    () => call(`${MANAGEMENT}/ListProviders`, { query: listQuery(0, 100) }, opts),
    [session.orgId],
    can(session, 'org.idp.read'),
  );
  const action = useAction();
  if (!can(session, 'org.idp.read')) return html`<${Forbidden} />`;
  const items = list.data?.result ?? [];
  /** @param {any} p a zitadel.idp.v1.Provider */
  const remove = (p) =>
    action.run(async () => {
      await call(`${MANAGEMENT}/DeleteProvider`, { id: p.id }, opts);
      list.reload();
    }, t('idps.deleted', { name: p.name }));
  const deletable = can(session, 'org.idp.delete') || can(session, 'org.idp.write');
  return html`<div>
    <h1>${t('idps.title')}</h1>
    ${can(session, 'org.idp.write') ? html`<${AddOidcProvider} orgId=${session.orgId} onAdded=${list.reload} />` : ''}
    <${Section} title=${t('idps.title')}>
      <${LoadState} load=${list} count=${items.length} />
      <${Table}
        head=${[t('common.name'), t('users.type'), t('idps.owner'), t('common.state'), '']}
        rows=${items.map((/** @type {any} */ p) => [
          p.name,
          // The API's own names of the kinds (OIDC, JWT, GITHUB …), the same in every language.
          String(p.type ?? '').replace('PROVIDER_TYPE_', ''),
          p.owner === 'IDP_OWNER_TYPE_ORG' ? t('idps.ownerOrg') : t('idps.ownerInstance'),
          stateOf(p.state),
          deletable && p.owner === 'IDP_OWNER_TYPE_ORG'
            ? html`<${ConfirmButton} label=${t('idps.delete')} question=${t('idps.deleteConfirm', { name: p.name })} onConfirm=${() => remove(p)} />`
            : '',
        ])} />
      ${action.feedback}
    <//>
  </div>`;
}

/** @param {unknown} state an IDPState of the v1 API */
const stateOf = (state) => (state === 'IDP_STATE_INACTIVE' ? t('state.STATE_INACTIVE') : t('state.STATE_ACTIVE'));
