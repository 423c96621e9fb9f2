// Organizations: the list (search, paging), switching the console to one, creating one.
import { useState } from 'preact/hooks';
import { call, listQuery } from '../api.js';
import { html } from '../html.js';
import { t } from '../i18n.js';
import { can, useSession } from '../session.js';
import { Empty, ErrorNotice, Field, Forbidden, Loading, Pager, Section, Success, stateText, useLoad } from '../ui.js';

const SIZE = 20;

export function OrgsScreen() {
  const { session, switchOrg } = useSession();
  const [search, setSearch] = useState('');
  const [page, setPage] = useState(0);
  const list = useLoad(
    () =>
      call('zitadel.org.v2.OrganizationService/ListOrganizations', {
        query: listQuery(page, SIZE),
        sortingColumn: 'ORGANIZATION_FIELD_NAME_NAME',
        queries: search
          ? [{ nameQuery: { name: search, method: 'TEXT_QUERY_METHOD_CONTAINS_IGNORE_CASE' } }]
          : [],
      }),
    [search, page],
    can(session, 'org.read'),
  );
  if (!can(session, 'org.read')) return html`<${Forbidden} />`;
  const orgs = list.data?.result ?? [];
  return html`<div>
    <h1>${t('orgs.title')}</h1>
    ${can(session, 'org.create') ? html`<${CreateOrg} onCreated=${list.reload} />` : ''}
    <${Section} title=${t('orgs.title')}>
      <form role="search" onSubmit=${(/** @type {Event} */ e) => e.preventDefault()}>
        <${Field} label=${t('common.search')} type="search" value=${search} onInput=${(v) => { setSearch(v); setPage(0); }} />
      </form>
      ${list.loading ? html`<${Loading} />` : ''}
      <${ErrorNotice} error=${list.error} />
      ${!list.loading && !list.error && orgs.length === 0 ? html`<${Empty} />` : ''}
      ${orgs.length > 0
        ? html`<table>
            <thead><tr><th scope="col">${t('common.name')}</th><th scope="col">${t('orgs.domain')}</th><th scope="col">${t('common.state')}</th><th scope="col"><span class="sr-only">${t('orgs.switch')}</span></th></tr></thead>
            <tbody>
              ${orgs.map(
                (/** @type {any} */ o) => html`<tr>
                  <td>${o.name}</td><td>${o.primaryDomain}</td><td>${stateText(o.state)}</td>
                  <td>${o.id === session.orgId
                    ? html`<span class="badge">${t('orgs.current')}</span>`
                    : html`<button type="button" onClick=${() => switchOrg(o.id)} aria-label=${`${t('orgs.switch')} ${o.name}`}>${t('orgs.switch')}</button>`}</td>
                </tr>`,
              )}
            </tbody>
          </table>`
        : ''}
      <${Pager} page=${page} size=${SIZE} total=${Number(list.data?.details?.totalResult ?? 0)} onPage=${setPage} />
    <//>
  </div>`;
}

/** @param {{ onCreated: () => void }} props */
function CreateOrg({ onCreated }) {
  const [name, setName] = useState('');
  const [error, setError] = useState(/** @type {unknown} */ (undefined));
  const [done, setDone] = useState('');
  const submit = async (/** @type {Event} */ e) => {
    e.preventDefault();
    setError(undefined);
    setDone('');
    try {
      await call('zitadel.org.v2.OrganizationService/AddOrganization', { name });
      setDone(t('orgs.created', { name }));
      setName('');
      onCreated();
    } catch (err) {
      setError(err);
    }
  };
  return html`<${Section} title=${t('orgs.create')}>
    <form onSubmit=${submit}>
      <${Field} label=${t('common.name')} value=${name} onInput=${setName} required />
      <button type="submit" class="primary">${t('orgs.create')}</button>
    </form>
    <${ErrorNotice} error=${error} />
    ${done ? html`<${Success} text=${done} />` : ''}
  <//>`;
}
