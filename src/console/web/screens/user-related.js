// What hangs off one user on the user's page: its authorizations (read-only) and its sessions,
// each of which an administrator with session.delete may end (v2 DeleteSession).
import { call, listQuery } from '../api.js';
import { html } from '../html.js';
import { t } from '../i18n.js';
import { ConfirmButton, LoadState, Section, Table, stateText, useAction, useLoad } from '../ui.js';

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

/** @param {{ userId: string, writable: boolean }} props */
export function UserSessions({ userId, writable }) {
  const list = useLoad(
    () =>
      call('zitadel.session.v2.SessionService/ListSessions', {
        query: listQuery(0, 50),
        queries: [{ userIdQuery: { id: userId } }],
      }),
    [userId],
  );
  const action = useAction();
  const items = list.data?.sessions ?? [];
  const end = (/** @type {string} */ sessionId) =>
    action.run(async () => {
      await call('zitadel.session.v2.SessionService/DeleteSession', { sessionId });
      list.reload();
    }, t('sessions.ended'));
  const head = [t('sessions.started'), t('sessions.lastUsed'), t('sessions.expires'), t('sessions.agent')];
  return html`<${Section} title=${t('sessions.title')}>
    <${LoadState} load=${list} count=${items.length} />
    <${Table}
      head=${writable ? [...head, ''] : head}
      rows=${items.map((/** @type {any} */ s) => {
        const cells = [
          when(s.creationDate),
          when(s.changeDate),
          when(s.expirationDate),
          s.userAgent?.description ?? s.userAgent?.header?.['user-agent']?.values?.[0] ?? '',
        ];
        if (!writable) return cells;
        return [
          ...cells,
          html`<${ConfirmButton} label=${t('sessions.end')} question=${t('sessions.endConfirm')} onConfirm=${() => end(s.id)} />`,
        ];
      })} />
    ${action.feedback}
  <//>`;
}
