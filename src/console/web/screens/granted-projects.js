// Projects other orgs granted to the current org (management v1 ListGrantedProjects: one row per
// grant) and one grant as the granted org sees it: the project, the org that owns it, the roles
// it may hand out, and the grant's administrators among the org's users.
import { call, listQuery } from '../api.js';
import { html } from '../html.js';
import { t } from '../i18n.js';
import { href } from '../router.js';
import { can, useSession } from '../session.js';
import { Forbidden, LoadState, Section, Table, stateText, useLoad } from '../ui.js';
import { Members, grantLevel } from './members.js';

const MGMT = 'zitadel.management.v1.ManagementService';

/** @param {string} orgId */
const grantedTo = (orgId) => call(`${MGMT}/ListGrantedProjects`, { query: listQuery(0, 100) }, { orgId });

export function GrantedProjects() {
  const { session } = useSession();
  const list = useLoad(() => grantedTo(session.orgId), [session.orgId]);
  const items = list.data?.result ?? [];
  return html`<${Section} title=${t('granted.title')}>
    <${LoadState} load=${list} count=${items.length} />
    <${Table}
      head=${[t('common.name'), t('granted.owner'), t('authz.roles'), t('common.state')]}
      rows=${items.map((/** @type {any} */ g) => [
        html`<a href=${href('granted', g.projectId, g.grantId)}>${g.projectName}</a>`,
        g.projectOwnerName,
        (g.grantedRoleKeys ?? []).join(', '),
        stateText(g.state),
      ])} />
  <//>`;
}

/** @param {{ projectId: string, grantId: string }} props */
export function GrantedProjectScreen({ projectId, grantId }) {
  const { session } = useSession();
  const allowed = can(session, 'project.read');
  const list = useLoad(() => grantedTo(session.orgId), [session.orgId], allowed);
  if (!allowed) return html`<${Forbidden} />`;
  const grant = (list.data?.result ?? []).find(
    (/** @type {any} */ g) => g.grantId === grantId && g.projectId === projectId,
  );
  return html`<div>
    <p><a href=${href('projects')}>← ${t('projects.title')}</a></p>
    <h1>${grant?.projectName ?? t('granted.title')}</h1>
    <${LoadState} load=${list} count=${grant ? 1 : 0} />
    ${
      grant
        ? html`<${Section} title=${t('idps.details')}>
            <dl class="facts">
              <dt>${t('granted.owner')}</dt><dd>${grant.projectOwnerName}</dd>
              <dt>${t('authz.roles')}</dt><dd>${(grant.grantedRoleKeys ?? []).join(', ')}</dd>
              <dt>${t('common.state')}</dt><dd>${stateText(grant.state)}</dd>
            </dl>
          <//>
          ${can(session, 'project.grant.member.read') ? html`<${Members} level=${grantLevel(session.orgId, projectId, grantId)} />` : ''}`
        : ''
    }
  </div>`;
}
