// Administrators of an organization or of a project (ZITADEL's org and project members) through the
// management v1 member methods: listed with their roles, a user of the org made one with roles the
// server offers for that level, their roles changed, removed after a confirmation.
import { useState } from 'preact/hooks';
import { call, listQuery } from '../api.js';
import { html } from '../html.js';
import { t } from '../i18n.js';
import { can, useSession } from '../session.js';
import { Check, ConfirmButton, LoadState, Section, Select, Table, useAction, useLoad } from '../ui.js';
import { displayNameOf, listUsers } from './users.js';

const MGMT = 'zitadel.management.v1.ManagementService';

/**
 * The two levels differ only in method names, the extra project id and the permission prefix.
 * @typedef {{ methods: string, body: Record<string, string>, permission: string, orgId: string }} Level
 */

/** @param {string} orgId @returns {Level} */
export const orgLevel = (orgId) => ({ methods: 'Org', body: {}, permission: 'org.member', orgId });

/** @param {string} orgId @param {string} projectId @returns {Level} */
export const projectLevel = (orgId, projectId) => ({
  methods: 'Project',
  body: { projectId },
  permission: 'project.member',
  orgId,
});

/**
 * A project granted to the org: its administrators are users of the granted org (ZITADEL's project
 * grant members), managed in that org's context.
 * @param {string} orgId the granted org @param {string} projectId @param {string} grantId @returns {Level}
 */
export const grantLevel = (orgId, projectId, grantId) => ({
  methods: 'ProjectGrant',
  body: { projectId, grantId },
  permission: 'project.grant.member',
  orgId,
});

/** @param {{ level: Level }} props */
export function Members({ level }) {
  const { session } = useSession();
  const { methods, body, orgId, permission } = level;
  const members = useLoad(
    () => call(`${MGMT}/List${methods}Members`, { ...body, query: listQuery(0, 100) }, { orgId }),
    [orgId, methods, body.projectId, body.grantId],
  );
  const action = useAction();
  const list = members.data?.result ?? [];
  // The form's user and roles change together: choosing a member shows the roles they have.
  const [chosen, setChosen] = useState({ userId: '', roles: /** @type {string[]} */ ([]) });
  const choose = (/** @type {string} */ userId) =>
    setChosen({ userId, roles: list.find((/** @type {any} */ m) => m.userId === userId)?.roles ?? [] });
  const remove = (/** @type {any} */ m) =>
    action.run(async () => {
      await call(`${MGMT}/Remove${methods}Member`, { ...body, userId: m.userId }, { orgId });
      members.reload();
    }, t('admins.removed'));
  return html`<${Section} title=${t('admins.title')}>
    <${LoadState} load=${members} count=${list.length} />
    <${Table}
      head=${[t('authz.user'), t('authz.roles'), '']}
      rows=${list.map((/** @type {any} */ m) => [
        m.displayName || m.preferredLoginName,
        (m.roles ?? []).join(', '),
        can(session, `${permission}.write`) || can(session, `${permission}.delete`)
          ? html`<span class="actions">
              ${
                can(session, `${permission}.write`)
                  ? html`<button type="button" onClick=${() => choose(m.userId)}>${t('admins.changeRoles')}</button>`
                  : ''
              }
              ${
                can(session, `${permission}.delete`)
                  ? html`<${ConfirmButton} label=${t('admins.remove')}
                    question=${t('admins.removeConfirm', { name: m.displayName || m.preferredLoginName })}
                    onConfirm=${() => remove(m)} />`
                  : ''
              }
            </span>`
          : '',
      ])} />
    ${action.feedback}
    ${
      can(session, `${permission}.write`)
        ? html`<${MemberForm} level=${level} existing=${list.some((/** @type {any} */ m) => m.userId === chosen.userId)}
          chosen=${chosen} onChoose=${choose} onRoles=${(/** @type {string[]} */ roles) => setChosen({ ...chosen, roles })}
          onSaved=${() => {
            choose('');
            members.reload();
          }} />`
        : ''
    }
  <//>`;
}

/**
 * One form for both adding and changing: choosing a user who already is one loads their roles, and
 * saving replaces them (UpdateMember); anyone else is added with the roles ticked (AddMember).
 * @param {{ level: Level, existing: boolean, chosen: { userId: string, roles: string[] },
 *   onChoose: (id: string) => void, onRoles: (roles: string[]) => void, onSaved: () => void }} props
 */
function MemberForm({ level, existing, chosen, onChoose, onRoles, onSaved }) {
  const { methods, body, orgId } = level;
  const { userId, roles } = chosen;
  const action = useAction();
  const users = useLoad(() => listUsers(orgId, '', 0, 100), [orgId]);
  const offered = useLoad(() => call(`${MGMT}/List${methods}MemberRoles`, {}, { orgId }), [orgId, methods]);
  const save = async () => {
    await call(`${MGMT}/${existing ? 'Update' : 'Add'}${methods}Member`, { ...body, userId, roles }, { orgId });
    onSaved();
  };
  return html`<form onSubmit=${action.submit(save, existing ? t('admins.saved') : t('admins.added'))} class="grid">
      <${Select} label=${t('authz.user')} value=${userId} onChange=${onChoose} placeholder=${t('authz.choose')}
        options=${(users.data?.result ?? []).map((/** @type {any} */ u) => ({ value: u.userId, label: `${displayNameOf(u)} (${u.username})` }))} />
      <fieldset>
        <legend>${t('authz.roles')}</legend>
        ${(offered.data?.result ?? []).map(
          (/** @type {string} */ r) =>
            html`<${Check} label=${r} checked=${roles.includes(r)}
              onChange=${(/** @type {boolean} */ on) => onRoles(on ? [...roles, r] : roles.filter((k) => k !== r))} />`,
        )}
      </fieldset>
      <div><button type="submit" class="primary" disabled=${!userId || roles.length === 0}>
        ${existing ? t('admins.save') : t('admins.add')}
      </button></div>
    </form>
    ${action.feedback}`;
}
