// Organizations: the list (search, paging), switching the console to one, creating one.
import { useState } from 'preact/hooks';
import { call, listQuery } from '../api.js';
import { html } from '../html.js';
import { t } from '../i18n.js';
import { href } from '../router.js';
import { can, useSession } from '../session.js';
import {
  Field,
  Forbidden,
  LoadState,
  Pager,
  SearchField,
  Section,
  Table,
  stateText,
  useAction,
  useLoad,
} from '../ui.js';

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
        queries: search ? [{ nameQuery: { name: search, method: 'TEXT_QUERY_METHOD_CONTAINS_IGNORE_CASE' } }] : [],
      }),
    [search, page],
    can(session, 'org.read'),
  );
  if (!can(session, 'org.read')) return html`<${Forbidden} />`;
  const orgs = list.data?.result ?? [];
  const switchCell = (/** @type {any} */ o) =>
    o.id === session.orgId
      ? html`<span class="badge">${t('orgs.current')}</span>`
      : html`<button type="button" onClick=${() => switchOrg(o.id)} aria-label=${`${t('orgs.switch')} ${o.name}`}>${t('orgs.switch')}</button>`;
  return html`<div>
    <h1>${t('orgs.title')}</h1>
    ${can(session, 'org.create') ? html`<${CreateOrg} onCreated=${list.reload} />` : ''}
    <${Section} title=${t('orgs.title')}>
      <${SearchField} value=${search} onInput=${(/** @type {string} */ v) => {
        setSearch(v);
        setPage(0);
      }} />
      <${LoadState} load=${list} count=${orgs.length} />
      <${Table}
        head=${[t('common.name'), t('orgs.domain'), t('common.state'), html`<span class="sr-only">${t('orgs.switch')}</span>`]}
        rows=${orgs.map((/** @type {any} */ o) => [
          html`<a href=${href('orgs', o.id)}>${o.name}</a>`,
          o.primaryDomain,
          stateText(o.state),
          switchCell(o),
        ])} />
      <${Pager} page=${page} size=${SIZE} total=${Number(list.data?.details?.totalResult ?? 0)} onPage=${setPage} />
    <//>
  </div>`;
}

/** @param {{ onCreated: () => void }} props */
function CreateOrg({ onCreated }) {
  const [name, setName] = useState('');
  const action = useAction();
  const create = async () => {
    await call('zitadel.org.v2.OrganizationService/AddOrganization', { name });
    setName('');
    onCreated();
  };
  return html`<${Section} title=${t('orgs.create')}>
    <form onSubmit=${action.submit(create, t('orgs.created', { name }))}>
      <${Field} label=${t('common.name')} value=${name} onInput=${setName} required />
      <button type="submit" class="primary">${t('orgs.create')}</button>
    </form>
    ${action.feedback}
  <//>`;
}
