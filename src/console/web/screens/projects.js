// Projects of the current org: the list, creating one, and one project's roles and applications.
import { useState } from 'preact/hooks';
import { call, listQuery } from '../api.js';
import { html } from '../html.js';
import { t } from '../i18n.js';
import { href } from '../router.js';
import { can, useSession } from '../session.js';
import { Empty, ErrorNotice, Field, Forbidden, Loading, Pager, Section, Success, stateText, useLoad } from '../ui.js';

const SIZE = 20;

/** @param {string} orgId @param {number} page @param {number} size */
export const listProjects = (orgId, page, size) =>
  call('zitadel.project.v2beta.ProjectService/ListProjects', {
    pagination: listQuery(page, size),
    sortingColumn: 'PROJECT_FIELD_NAME_NAME',
    filters: [{ projectOrganizationIdFilter: { id: orgId } }],
  });

/** @param {string} projectId */
export const listRoles = (projectId) =>
  call('zitadel.project.v2beta.ProjectService/ListProjectRoles', { projectId, pagination: listQuery(0, 200) });

export function ProjectsScreen() {
  const { session } = useSession();
  const [page, setPage] = useState(0);
  const list = useLoad(() => listProjects(session.orgId, page, SIZE), [session.orgId, page], can(session, 'project.read'));
  if (!can(session, 'project.read')) return html`<${Forbidden} />`;
  const projects = list.data?.projects ?? [];
  return html`<div>
    <h1>${t('projects.title')}</h1>
    ${can(session, 'project.create') ? html`<${CreateProject} orgId=${session.orgId} onCreated=${list.reload} />` : ''}
    <${Section} title=${t('projects.title')}>
      ${list.loading ? html`<${Loading} />` : ''}
      <${ErrorNotice} error=${list.error} />
      ${!list.loading && !list.error && projects.length === 0 ? html`<${Empty} />` : ''}
      ${projects.length > 0
        ? html`<table>
            <thead><tr><th scope="col">${t('common.name')}</th><th scope="col">${t('common.state')}</th></tr></thead>
            <tbody>
              ${projects.map(
                (/** @type {any} */ p) => html`<tr>
                  <td><a href=${href('projects', p.id)}>${p.name}</a></td><td>${stateText(p.state)}</td>
                </tr>`,
              )}
            </tbody>
          </table>`
        : ''}
      <${Pager} page=${page} size=${SIZE} total=${Number(list.data?.pagination?.totalResult ?? 0)} onPage=${setPage} />
    <//>
  </div>`;
}

/** @param {{ orgId: string, onCreated: () => void }} props */
function CreateProject({ orgId, onCreated }) {
  const [name, setName] = useState('');
  const [error, setError] = useState(/** @type {unknown} */ (undefined));
  const [done, setDone] = useState('');
  const submit = async (/** @type {Event} */ e) => {
    e.preventDefault();
    setError(undefined);
    setDone('');
    try {
      await call('zitadel.project.v2beta.ProjectService/CreateProject', { organizationId: orgId, name });
      setDone(t('projects.created', { name }));
      setName('');
      onCreated();
    } catch (err) {
      setError(err);
    }
  };
  return html`<${Section} title=${t('projects.create')}>
    <form onSubmit=${submit}>
      <${Field} label=${t('common.name')} value=${name} onInput=${setName} required />
      <button type="submit" class="primary">${t('projects.create')}</button>
    </form>
    <${ErrorNotice} error=${error} />
    ${done ? html`<${Success} text=${done} />` : ''}
  <//>`;
}

/** @param {{ projectId: string }} props */
export function ProjectScreen({ projectId }) {
  const { session } = useSession();
  const project = useLoad(() => call('zitadel.project.v2beta.ProjectService/GetProject', { id: projectId }), [projectId], can(session, 'project.read'));
  if (!can(session, 'project.read')) return html`<${Forbidden} />`;
  if (project.loading) return html`<${Loading} />`;
  if (project.error) return html`<${ErrorNotice} error=${project.error} />`;
  const p = project.data.project;
  return html`<div>
    <p><a href=${href('projects')}>← ${t('projects.title')}</a></p>
    <h1>${t('projects.detail', { name: p.name })}</h1>
    <${Roles} projectId=${projectId} />
    ${can(session, 'project.app.read') ? html`<${Apps} projectId=${projectId} />` : ''}
  </div>`;
}

/** @param {{ projectId: string }} props */
function Roles({ projectId }) {
  const { session } = useSession();
  const roles = useLoad(() => listRoles(projectId), [projectId]);
  const empty = { key: '', displayName: '', group: '' };
  const [form, setForm] = useState(empty);
  const [error, setError] = useState(/** @type {unknown} */ (undefined));
  const [done, setDone] = useState('');
  const submit = async (/** @type {Event} */ e) => {
    e.preventDefault();
    setError(undefined);
    setDone('');
    try {
      await call('zitadel.project.v2beta.ProjectService/AddProjectRole', {
        projectId,
        roleKey: form.key,
        displayName: form.displayName || form.key,
        group: form.group,
      });
      setDone(t('roles.added', { key: form.key }));
      setForm(empty);
      roles.reload();
    } catch (err) {
      setError(err);
    }
  };
  const list = roles.data?.projectRoles ?? [];
  return html`<${Section} title=${t('roles.title')}>
    ${roles.loading ? html`<${Loading} />` : ''}
    <${ErrorNotice} error=${roles.error} />
    ${!roles.loading && !roles.error && list.length === 0 ? html`<${Empty} />` : ''}
    ${list.length > 0
      ? html`<table>
          <thead><tr><th scope="col">${t('roles.key')}</th><th scope="col">${t('roles.displayName')}</th><th scope="col">${t('roles.group')}</th></tr></thead>
          <tbody>${list.map((/** @type {any} */ r) => html`<tr><td>${r.key}</td><td>${r.displayName}</td><td>${r.group}</td></tr>`)}</tbody>
        </table>`
      : ''}
    ${can(session, 'project.role.write')
      ? html`<form onSubmit=${submit} class="grid">
          <${Field} label=${t('roles.key')} value=${form.key} onInput=${(v) => setForm({ ...form, key: v })} required />
          <${Field} label=${t('roles.displayName')} value=${form.displayName} onInput=${(v) => setForm({ ...form, displayName: v })} />
          <${Field} label=${t('roles.group')} value=${form.group} onInput=${(v) => setForm({ ...form, group: v })} />
          <div><button type="submit" class="primary">${t('roles.add')}</button></div>
        </form>`
      : ''}
    <${ErrorNotice} error=${error} />
    ${done ? html`<${Success} text=${done} />` : ''}
  <//>`;
}

/** @param {{ projectId: string }} props */
function Apps({ projectId }) {
  const { session } = useSession();
  const apps = useLoad(
    () => call('zitadel.app.v2beta.AppService/ListApplications', { projectId, pagination: listQuery(0, 100) }),
    [projectId],
  );
  const list = apps.data?.applications ?? [];
  const kind = (/** @type {any} */ a) => (a.oidcConfig ? 'OIDC' : a.samlConfig ? 'SAML' : 'API');
  return html`<${Section} title=${t('apps.title')}>
    ${apps.loading ? html`<${Loading} />` : ''}
    <${ErrorNotice} error=${apps.error} />
    ${!apps.loading && !apps.error && list.length === 0 ? html`<${Empty} />` : ''}
    ${list.length > 0
      ? html`<table>
          <thead><tr><th scope="col">${t('common.name')}</th><th scope="col">${t('apps.kind')}</th><th scope="col">${t('apps.clientId')}</th><th scope="col">${t('common.state')}</th></tr></thead>
          <tbody>${list.map(
            (/** @type {any} */ a) =>
              html`<tr><td>${a.name}</td><td>${kind(a)}</td><td><code>${a.oidcConfig?.clientId ?? a.apiConfig?.clientId ?? ''}</code></td><td>${stateText(a.state)}</td></tr>`,
          )}</tbody>
        </table>`
      : ''}
    ${can(session, 'project.app.write') ? html`<p><a class="button primary" href=${href('projects', projectId, 'apps', 'new')}>${t('apps.new')}</a></p>` : ''}
  <//>`;
}
