// An organization's administrators (ZITADEL's org members) and their roles, and making a user of
// the org one: the roles are the ones the server offers for orgs (ListOrgMemberRoles).
import { useState } from 'preact/hooks';
import { call, listQuery } from '../api.js';
import { html } from '../html.js';
import { t } from '../i18n.js';
import { can, useSession } from '../session.js';
import { Check, LoadState, Section, Select, Table, useAction, useLoad } from '../ui.js';
import { displayNameOf, listUsers } from './users.js';

const ADMINS = 'zitadel.internal_permission.v2beta.InternalPermissionService';

/** @param {{ orgId: string }} props */
export function OrgAdmins({ orgId }) {
  const { session } = useSession();
  const admins = useLoad(
    () =>
      call(`${ADMINS}/ListAdministrators`, {
        pagination: listQuery(0, 100),
        filters: [{ resource: { organizationId: orgId } }],
      }),
    [orgId],
  );
  const list = admins.data?.administrators ?? [];
  return html`<${Section} title=${t('admins.title')}>
    <${LoadState} load=${admins} count=${list.length} />
    <${Table}
      head=${[t('authz.user'), t('authz.roles')]}
      rows=${list.map((/** @type {any} */ a) => [a.user?.displayName || a.user?.preferredLoginName, (a.roles ?? []).join(', ')])} />
    ${can(session, 'org.member.write') ? html`<${NewAdmin} orgId=${orgId} onAdded=${admins.reload} />` : ''}
  <//>`;
}

/** @param {{ orgId: string, onAdded: () => void }} props */
function NewAdmin({ orgId, onAdded }) {
  const [userId, setUserId] = useState('');
  const [roles, setRoles] = useState(/** @type {string[]} */ ([]));
  const action = useAction();
  const users = useLoad(() => listUsers(orgId, '', 0, 100), [orgId]);
  const offered = useLoad(() => call('zitadel.management.v1.ManagementService/ListOrgMemberRoles', {}, { orgId }), [orgId]);
  const add = async () => {
    await call(`${ADMINS}/CreateAdministrator`, { userId, resource: { organizationId: orgId }, roles });
    setUserId('');
    setRoles([]);
    onAdded();
  };
  return html`<form onSubmit=${action.submit(add, t('admins.added'))} class="grid">
      <${Select} label=${t('authz.user')} value=${userId} onChange=${setUserId} placeholder=${t('authz.choose')}
        options=${(users.data?.result ?? []).map((/** @type {any} */ u) => ({ value: u.userId, label: `${displayNameOf(u)} (${u.username})` }))} />
      <fieldset>
        <legend>${t('authz.roles')}</legend>
        ${(offered.data?.result ?? []).map(
          (/** @type {string} */ r) =>
            html`<${Check} label=${r} checked=${roles.includes(r)}
              onChange=${(/** @type {boolean} */ on) => setRoles(on ? [...roles, r] : roles.filter((k) => k !== r))} />`,
        )}
      </fieldset>
      <div><button type="submit" class="primary" disabled=${!userId || roles.length === 0}>${t('admins.add')}</button></div>
    </form>
    ${action.feedback}`;
}
