// Projects of the current org: the list, creating one, and one project's roles and applications.
import { useState } from 'preact/hooks';
import { call, listQuery } from '../api.js';
import { html } from '../html.js';
import { t } from '../i18n.js';
import { href } from '../router.js';
import { can, useSession } from '../session.js';
import { GrantedProjects } from './granted-projects.js';
import { Members, projectLevel } from './members.js';
import { Grants } from './project-grants.js';
import { listProjects, listRoles } from './project-queries.js';
import {
  ErrorNotice,
  Field,
  Forbidden,
  LoadState,
  Loading,
  Pager,
  Section,
  Table,
  stateText,
  useAction,
  useLoad,
} from '../ui.js';

const SIZE = 20;

export function ProjectsScreen() {
  const { session } = useSession();
  const [page, setPage] = useState(0);
  const list = useLoad(
    () => listProjects(session.orgId, page, SIZE),
    [session.orgId, page],
    can(session, 'project.read'),
  );
  if (!can(session, 'project.read')) return html`<${Forbidden} />`;
  const projects = list.data?.projects ?? [];
  return html`<div>
    <h1>${t('projects.title')}</h1>
    ${can(session, 'project.create') ? html`<${CreateProject} orgId=${session.orgId} onCreated=${list.reload} />` : ''}
    <${Section} title=${t('projects.title')}>
      <${LoadState} load=${list} count=${projects.length} />
      <${Table}
        head=${[t('common.name'), t('common.state')]}
        rows=${projects.map((/** @type {any} */ p) => [html`<a href=${href('projects', p.id)}>${p.name}</a>`, stateText(p.state)])} />
      <${Pager} page=${page} size=${SIZE} total=${Number(list.data?.pagination?.totalResult ?? 0)} onPage=${setPage} />
    <//>
    <${GrantedProjects} />
  </div>`;
}

/** @param {{ orgId: string, onCreated: () => void }} props */
function CreateProject({ orgId, onCreated }) {
  const [name, setName] = useState('');
  const action = useAction();
  const create = async () => {
    await call('zitadel.project.v2beta.ProjectService/CreateProject', { organizationId: orgId, name });
    setName('');
    onCreated();
  };
  return html`<${Section} title=${t('projects.create')}>
    <form onSubmit=${action.submit(create, t('projects.created', { name }))}>
      <${Field} label=${t('common.name')} value=${name} onInput=${setName} required />
      <button type="submit" class="primary">${t('projects.create')}</button>
    </form>
    ${action.feedback}
  <//>`;
}

/** @param {{ projectId: string }} props */
export function ProjectScreen({ projectId }) {
  const { session } = useSession();
  const project = useLoad(
    () => call('zitadel.project.v2beta.ProjectService/GetProject', { id: projectId }),
    [projectId],
    can(session, 'project.read'),
  );
  // Read once for the roles and the grants: a role added shows in both.
  const roles = useLoad(() => listRoles(projectId), [projectId], can(session, 'project.read'));
  if (!can(session, 'project.read')) return html`<${Forbidden} />`;
  if (project.loading) return html`<${Loading} />`;
  if (project.error) return html`<${ErrorNotice} error=${project.error} />`;
  const p = project.data.project;
  return html`<div>
    <p><a href=${href('projects')}>← ${t('projects.title')}</a></p>
    <h1>${t('projects.detail', { name: p.name })}</h1>
    <${Roles} projectId=${projectId} roles=${roles} />
    ${can(session, 'project.app.read') ? html`<${Apps} projectId=${projectId} />` : ''}
    ${can(session, 'project.member.read') ? html`<${Members} level=${projectLevel(p.organizationId, projectId)} />` : ''}
    ${can(session, 'project.grant.read') ? html`<${Grants} projectId=${projectId} ownerOrgId=${p.organizationId} roles=${roles} />` : ''}
  </div>`;
}

/** @param {{ projectId: string, roles: ReturnType<typeof useLoad<any>> }} props */
function Roles({ projectId, roles }) {
  const { session } = useSession();
  const empty = { key: '', displayName: '', group: '' };
  const [form, setForm] = useState(empty);
  const action = useAction();
  const add = async () => {
    await call('zitadel.project.v2beta.ProjectService/AddProjectRole', {
      projectId,
      roleKey: form.key,
      displayName: form.displayName || form.key,
      group: form.group,
    });
    setForm(empty);
    roles.reload();
  };
  const list = roles.data?.projectRoles ?? [];
  /** @param {keyof typeof empty} key */
  const field = (key) => (/** @type {string} */ v) => setForm({ ...form, [key]: v });
  return html`<${Section} title=${t('roles.title')}>
    <${LoadState} load=${roles} count=${list.length} />
    <${Table}
      head=${[t('roles.key'), t('roles.displayName'), t('roles.group')]}
      rows=${list.map((/** @type {any} */ r) => [r.key, r.displayName, r.group])} />
    ${
      can(session, 'project.role.write')
        ? html`<form onSubmit=${action.submit(add, t('roles.added', { key: form.key }))} class="grid">
          <${Field} label=${t('roles.key')} value=${form.key} onInput=${field('key')} required />
          <${Field} label=${t('roles.displayName')} value=${form.displayName} onInput=${field('displayName')} />
          <${Field} label=${t('roles.group')} value=${form.group} onInput=${field('group')} />
          <div><button type="submit" class="primary">${t('roles.add')}</button></div>
        </form>`
        : ''
    }
    ${action.feedback}
  <//>`;
}

/** @param {any} a a zitadel.app.v2beta.Application */
const kindOf = (a) => (a.oidcConfig ? 'OIDC' : a.samlConfig ? 'SAML' : 'API');

/** @param {{ projectId: string }} props */
function Apps({ projectId }) {
  const { session } = useSession();
  const apps = useLoad(
    () => call('zitadel.app.v2beta.AppService/ListApplications', { projectId, pagination: listQuery(0, 100) }),
    [projectId],
  );
  const list = apps.data?.applications ?? [];
  return html`<${Section} title=${t('apps.title')}>
    <${LoadState} load=${apps} count=${list.length} />
    <${Table}
      head=${[t('common.name'), t('apps.kind'), t('apps.clientId'), t('common.state')]}
      rows=${list.map((/** @type {any} */ a) => [
        html`<a href=${href('projects', projectId, 'apps', a.id)}>${a.name}</a>`,
        kindOf(a),
        html`<code>${a.oidcConfig?.clientId ?? a.apiConfig?.clientId ?? ''}</code>`,
        stateText(a.state),
      ])} />
    ${
      can(session, 'project.app.write')
        ? html`<p class="actions">
          <a class="button primary" href=${href('projects', projectId, 'apps', 'new')}>${t('apps.new')}</a>
          <a class="button" href=${href('projects', projectId, 'apps', 'new-api')}>${t('apps.newApi')}</a>
          <a class="button" href=${href('projects', projectId, 'apps', 'new-saml')}>${t('apps.newSaml')}</a>
        </p>`
        : ''
    }
  <//>`;
}
