// A project's grants: the other orgs it is granted to, with the roles each may hand out; granting
// it to one more, a grant's roles changed, deactivated or reactivated, and deleted after a
// confirmation (v2beta project grant methods).
import { useState } from 'preact/hooks';
import { call, listQuery } from '../api.js';
import { html } from '../html.js';
import { t } from '../i18n.js';
import { can, useSession } from '../session.js';
import { Check, ConfirmButton, LoadState, Section, Select, Table, stateText, useAction, useLoad } from '../ui.js';

const PROJECTS = 'zitadel.project.v2beta.ProjectService';
const ACTIVE = 'PROJECT_GRANT_STATE_ACTIVE';

/** @param {{ projectId: string, ownerOrgId: string, roles: { data?: any } }} props */
export function Grants({ projectId, ownerOrgId, roles }) {
  const { session } = useSession();
  const grants = useLoad(
    () =>
      call(`${PROJECTS}/ListProjectGrants`, {
        pagination: listQuery(0, 100),
        filters: [{ inProjectIdsFilter: { ids: [projectId] } }],
      }),
    [projectId],
  );
  const action = useAction();
  /** @type {any[]} */
  const list = grants.data?.projectGrants ?? [];
  // The form's org and roles change together: choosing an org already granted shows its roles.
  const [chosen, setChosen] = useState({ orgId: '', roles: /** @type {string[]} */ ([]) });
  const choose = (/** @type {string} */ orgId) =>
    setChosen({ orgId, roles: list.find((g) => g.grantedOrganizationId === orgId)?.grantedRoleKeys ?? [] });
  const writable = can(session, 'project.grant.write');
  const deletable = can(session, 'project.grant.delete');
  /** @param {string} verb @param {any} g @param {string} message */
  const change = (verb, g, message) =>
    action.run(
      async () => {
        await call(`${PROJECTS}/${verb}ProjectGrant`, { projectId, grantedOrganizationId: g.grantedOrganizationId });
        grants.reload();
      },
      t(message, { name: g.grantedOrganizationName }),
    );
  return html`<${Section} title=${t('grants.title')}>
    <${LoadState} load=${grants} count=${list.length} />
    <${Table}
      head=${[t('grants.org'), t('authz.roles'), t('common.state'), '']}
      rows=${list.map((g) => [
        g.grantedOrganizationName,
        (g.grantedRoleKeys ?? []).join(', '),
        stateText(g.state),
        html`<span class="actions">
          ${
            writable
              ? html`<button type="button" onClick=${() => choose(g.grantedOrganizationId)}>${t('admins.changeRoles')}</button>
                ${
                  g.state === ACTIVE
                    ? html`<button type="button" onClick=${() => change('Deactivate', g, 'grants.deactivated')}>${t('grants.deactivate')}</button>`
                    : html`<button type="button" onClick=${() => change('Activate', g, 'grants.activated')}>${t('grants.activate')}</button>`
                }`
              : ''
          }
          ${
            deletable
              ? html`<${ConfirmButton} label=${t('grants.delete')} question=${t('grants.deleteConfirm', { name: g.grantedOrganizationName })}
                onConfirm=${() => change('Delete', g, 'grants.deleted')} />`
              : ''
          }
        </span>`,
      ])} />
    ${action.feedback}
    ${
      writable
        ? html`<${GrantForm} projectId=${projectId} ownerOrgId=${ownerOrgId} roles=${roles} chosen=${chosen}
          existing=${list.some((g) => g.grantedOrganizationId === chosen.orgId)} onChoose=${choose}
          onRoles=${(/** @type {string[]} */ keys) => setChosen({ ...chosen, roles: keys })}
          onSaved=${() => {
            choose('');
            grants.reload();
          }} />`
        : ''
    }
  <//>`;
}

/**
 * One form for granting and changing: an org already granted gets its roles replaced
 * (UpdateProjectGrant), any other is granted the roles ticked (CreateProjectGrant).
 * @param {{ projectId: string, ownerOrgId: string, roles: { data?: any }, chosen: { orgId: string, roles: string[] },
 *   existing: boolean, onChoose: (id: string) => void, onRoles: (keys: string[]) => void, onSaved: () => void }} props
 */
function GrantForm({ projectId, ownerOrgId, roles: projectRoles, chosen, existing, onChoose, onRoles, onSaved }) {
  const { orgId, roles } = chosen;
  const action = useAction();
  const orgs = useLoad(
    () =>
      call('zitadel.org.v2.OrganizationService/ListOrganizations', {
        query: listQuery(0, 100),
        sortingColumn: 'ORGANIZATION_FIELD_NAME_NAME',
      }),
    [],
  );
  const save = async () => {
    await call(`${PROJECTS}/${existing ? 'Update' : 'Create'}ProjectGrant`, {
      projectId,
      grantedOrganizationId: orgId,
      roleKeys: roles,
    });
    onSaved();
  };
  const others = (orgs.data?.result ?? []).filter((/** @type {any} */ o) => o.id !== ownerOrgId);
  return html`<form onSubmit=${action.submit(save, existing ? t('grants.saved') : t('grants.granted'))} class="grid">
      <${Select} label=${t('grants.org')} value=${orgId} onChange=${onChoose} placeholder=${t('authz.choose')}
        options=${others.map((/** @type {any} */ o) => ({ value: o.id, label: o.name }))} />
      <fieldset>
        <legend>${t('authz.roles')}</legend>
        ${(projectRoles.data?.projectRoles ?? []).map(
          (/** @type {any} */ r) =>
            html`<${Check} label=${r.key} checked=${roles.includes(r.key)}
              onChange=${(/** @type {boolean} */ on) => onRoles(on ? [...roles, r.key] : roles.filter((k) => k !== r.key))} />`,
        )}
      </fieldset>
      <div><button type="submit" class="primary" disabled=${!orgId}>${existing ? t('grants.save') : t('grants.grant')}</button></div>
    </form>
    ${action.feedback}`;
}
