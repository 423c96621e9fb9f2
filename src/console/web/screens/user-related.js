// What hangs off one user, read-only on the user's page: its authorizations and its sessions.
import { call, listQuery } from '../api.js';
import { html } from '../html.js';
import { t } from '../i18n.js';
import { LoadState, Section, Table, stateText, useLoad } from '../ui.js';

/** @param {unknown} iso a timestamp from the API */
const when = (iso) => (iso ? new Date(String(iso)).toLocaleString() : '');

/** @param {{ userId: string }} props */
export function UserAuthorizations({ userId }) {
  const list = useLoad(
    () =>
      call('zitadel.authorization.v2beta.AuthorizationService/ListAuthorizations', {
        pagination: listQuery(0, 100),
        filters: [{ userId: { id: userId } }],
      }),
    [userId],
  );
  const items = list.data?.authorizations ?? [];
  return html`<${Section} title=${t('authz.title')}>
    <${LoadState} load=${list} count=${items.length} />
    <${Table}
      head=${[t('authz.project'), t('authz.roles'), t('common.state')]}
      rows=${items.map((/** @type {any} */ a) => [a.projectName, (a.roles ?? []).join(', '), stateText(a.state)])} />
  <//>`;
}

/** @param {{ userId: string }} props */
export function UserSessions({ userId }) {
  const list = useLoad(
    () =>
      call('zitadel.session.v2.SessionService/ListSessions', {
        query: listQuery(0, 50),
        queries: [{ userIdQuery: { id: userId } }],
      }),
    [userId],
  );
  const items = list.data?.sessions ?? [];
  return html`<${Section} title=${t('sessions.title')}>
    <${LoadState} load=${list} count=${items.length} />
    <${Table}
      head=${[t('sessions.started'), t('sessions.lastUsed'), t('sessions.expires'), t('sessions.agent')]}
      rows=${items.map((/** @type {any} */ s) => [
        when(s.creationDate),
        when(s.changeDate),
        when(s.expirationDate),
        s.userAgent?.description ?? s.userAgent?.header?.['user-agent']?.values?.[0] ?? '',
      ])} />
  <//>`;
}
