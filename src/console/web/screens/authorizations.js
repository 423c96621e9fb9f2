// Authorizations in the current org (who has which role in which project), and granting a user
// roles of a project.
import { useState } from 'preact/hooks';
import { call, listQuery } from '../api.js';
import { html } from '../html.js';
import { t } from '../i18n.js';
import { can, useSession } from '../session.js';
import { Check, Forbidden, LoadState, Loading, Section, Select, Table, stateText, useAction, useLoad } from '../ui.js';
import { listProjects, listRoles } from './project-queries.js';
import { displayNameOf, listUsers } from './users.js';

export function AuthorizationsScreen() {
  const { session } = useSession();
  const list = useLoad(
    () =>
      call('zitadel.authorization.v2beta.AuthorizationService/ListAuthorizations', {
        pagination: listQuery(0, 100),
        filters: [{ organizationId: { id: session.orgId } }],
      }),
    [session.orgId],
    can(session, 'user.grant.read'),
  );
  if (!can(session, 'user.grant.read')) return html`<${Forbidden} />`;
  const items = list.data?.authorizations ?? [];
  return html`<div>
    <h1>${t('authz.title')}</h1>
    ${can(session, 'user.grant.write') ? html`<${Grant} orgId=${session.orgId} onGranted=${list.reload} />` : ''}
    <${Section} title=${t('authz.title')}>
      <${LoadState} load=${list} count=${items.length} />
      <${Table}
        head=${[t('authz.user'), t('authz.project'), t('authz.roles'), t('common.state')]}
        rows=${items.map((/** @type {any} */ a) => [
          a.user?.displayName || a.user?.preferredLoginName,
          a.projectName,
          (a.roles ?? []).join(', '),
          stateText(a.state),
        ])} />
    <//>
  </div>`;
}

/** @param {{ orgId: string, onGranted: () => void }} props */
function Grant({ orgId, onGranted }) {
  const [userId, setUserId] = useState('');
  const [projectId, setProjectId] = useState('');
  const [roles, setRoles] = useState(/** @type {string[]} */ ([]));
  const action = useAction();
  const users = useLoad(() => listUsers(orgId, '', 0, 100), [orgId]);
  const projects = useLoad(() => listProjects(orgId, 0, 100), [orgId]);
  const projectRoles = useLoad(async () => (projectId ? listRoles(projectId) : undefined), [projectId]);
  const grant = async () => {
    await call('zitadel.authorization.v2beta.AuthorizationService/CreateAuthorization', {
      userId,
      projectId,
      organizationId: orgId,
      roleKeys: roles,
    });
    setRoles([]);
    onGranted();
  };
  const available = projectRoles.data?.projectRoles ?? [];
  const toggle = (/** @type {string} */ key, /** @type {boolean} */ on) =>
    setRoles(on ? [...roles, key] : roles.filter((r) => r !== key));
  return html`<${Section} title=${t('authz.create')}>
    <form onSubmit=${action.submit(grant, t('authz.granted'))} class="grid">
      <${Select} label=${t('authz.user')} value=${userId} onChange=${setUserId} placeholder=${t('authz.choose')}
        options=${(users.data?.result ?? []).map((/** @type {any} */ u) => ({ value: u.userId, label: `${displayNameOf(u)} (${u.username})` }))} />
      <${Select} label=${t('authz.project')} value=${projectId} onChange=${(v) => {
        setProjectId(v);
        setRoles([]);
      }} placeholder=${t('authz.choose')}
        options=${(projects.data?.projects ?? []).map((/** @type {any} */ p) => ({ value: p.id, label: p.name }))} />
      <fieldset>
        <legend>${t('authz.roles')}</legend>
        ${projectId && projectRoles.loading ? html`<${Loading} />` : ''}
        ${projectId && !projectRoles.loading && available.length === 0 ? html`<p class="empty">${t('authz.noRoles')}</p>` : ''}
        ${available.map(
          (/** @type {any} */ r) =>
            html`<${Check} label=${r.key} checked=${roles.includes(r.key)} onChange=${(on) => toggle(r.key, on)} />`,
        )}
      </fieldset>
      <div><button type="submit" class="primary" disabled=${!userId || !projectId}>${t('authz.grant')}</button></div>
    </form>
    ${action.feedback}
  <//>`;
}
