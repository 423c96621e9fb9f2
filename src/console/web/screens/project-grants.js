// A project's grants: the other orgs it is granted to, with the roles each may hand out, and
// granting it to one more.
import { useState } from 'preact/hooks';
import { call, listQuery } from '../api.js';
import { html } from '../html.js';
import { t } from '../i18n.js';
import { can, useSession } from '../session.js';
import { Check, LoadState, Section, Select, Table, stateText, useAction, useLoad } from '../ui.js';

/** @param {{ projectId: string, ownerOrgId: string, roles: { data?: any } }} props */
export function Grants({ projectId, ownerOrgId, roles }) {
  const { session } = useSession();
  const grants = useLoad(
    () =>
      call('zitadel.project.v2beta.ProjectService/ListProjectGrants', {
        pagination: listQuery(0, 100),
        filters: [{ inProjectIdsFilter: { ids: [projectId] } }],
      }),
    [projectId],
  );
  const list = grants.data?.projectGrants ?? [];
  return html`<${Section} title=${t('grants.title')}>
    <${LoadState} load=${grants} count=${list.length} />
    <${Table}
      head=${[t('grants.org'), t('authz.roles'), t('common.state')]}
      rows=${list.map((/** @type {any} */ g) => [g.grantedOrganizationName, (g.grantedRoleKeys ?? []).join(', '), stateText(g.state)])} />
    ${can(session, 'project.grant.write')
      ? html`<${NewGrant} projectId=${projectId} ownerOrgId=${ownerOrgId} roles=${roles} onGranted=${grants.reload} />`
      : ''}
  <//>`;
}

/** @param {{ projectId: string, ownerOrgId: string, roles: { data?: any }, onGranted: () => void }} props */
function NewGrant({ projectId, ownerOrgId, roles: projectRoles, onGranted }) {
  const [orgId, setOrgId] = useState('');
  const [roles, setRoles] = useState(/** @type {string[]} */ ([]));
  const action = useAction();
  const orgs = useLoad(
    () =>
      call('zitadel.org.v2.OrganizationService/ListOrganizations', {
        query: listQuery(0, 100),
        sortingColumn: 'ORGANIZATION_FIELD_NAME_NAME',
      }),
    [],
  );
  const grant = async () => {
    await call('zitadel.project.v2beta.ProjectService/CreateProjectGrant', {
      projectId,
      grantedOrganizationId: orgId,
      roleKeys: roles,
    });
    setOrgId('');
    setRoles([]);
    onGranted();
  };
  const others = (orgs.data?.result ?? []).filter((/** @type {any} */ o) => o.id !== ownerOrgId);
  return html`<form onSubmit=${action.submit(grant, t('grants.granted'))} class="grid">
      <${Select} label=${t('grants.org')} value=${orgId} onChange=${setOrgId} placeholder=${t('authz.choose')}
        options=${others.map((/** @type {any} */ o) => ({ value: o.id, label: o.name }))} />
      <fieldset>
        <legend>${t('authz.roles')}</legend>
        ${(projectRoles.data?.projectRoles ?? []).map(
          (/** @type {any} */ r) =>
            html`<${Check} label=${r.key} checked=${roles.includes(r.key)}
              onChange=${(/** @type {boolean} */ on) => setRoles(on ? [...roles, r.key] : roles.filter((k) => k !== r.key))} />`,
        )}
      </fieldset>
      <div><button type="submit" class="primary" disabled=${!orgId}>${t('grants.grant')}</button></div>
    </form>
    ${action.feedback}`;
}
