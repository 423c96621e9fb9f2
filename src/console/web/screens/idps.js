// Identity providers of the current org (management v1: ListProviders answers the org's own and
// the instance's, each marked) or of the instance (admin v1, for readers of the instance's): added
// of any kind, opened to see and change, deleted after a confirmation, and offered on the login
// policy of that level or no longer.
import { useState } from 'preact/hooks';
import { listQuery } from '../api.js';
import { html } from '../html.js';
import { t } from '../i18n.js';
import { href } from '../router.js';
import { can, useSession } from '../session.js';
import { ConfirmButton, Forbidden, LoadState, Section, Select, Table, useAction, useLoad } from '../ui.js';
import { ProviderForm, idpCall, kindName } from './idp-form.js';
import { kindOf } from './idp-kinds.js';
import { inheritedIdps, ownLoginPolicyRequest } from './settings.js';

/** @typedef {import('./idp-form.js').IdpLevel} IdpLevel */

/** ZITADEL's owner types of a provider: the instance's (SYSTEM) or an org's own. */
const ORG_OWNED = 'IDP_OWNER_TYPE_ORG';

/**
 * The permissions a level asks for, as ZITADEL names them (org.idp.* / iam.idp.* for providers,
 * policy.* / iam.policy.* for the login policy that offers them).
 * @param {'org' | 'instance'} level
 */
export const idpPermissions = (level) =>
  level === 'org'
    ? {
        read: 'org.idp.read',
        write: 'org.idp.write',
        remove: 'org.idp.delete',
        policyRead: 'policy.read',
        policyWrite: 'policy.write',
      }
    : {
        read: 'iam.idp.read',
        write: 'iam.idp.write',
        remove: 'iam.idp.delete',
        policyRead: 'iam.policy.read',
        policyWrite: 'iam.policy.write',
      };

/**
 * Offers a provider on the level's login policy, or stops offering it. An org that still uses the
 * instance's login policy first gets its own copy, with the providers it offered so far (ZITADEL's
 * console does the same; the API refuses to change an org's providers without an own policy).
 * @param {IdpLevel} at @param {any} provider @param {boolean} on
 */
async function setOffered(at, provider, on) {
  const ownerType = provider.owner === ORG_OWNED ? ORG_OWNED : 'IDP_OWNER_TYPE_SYSTEM';
  if (at.level === 'org') {
    const { policy, isDefault } = await idpCall(at, 'GetLoginPolicy');
    if (isDefault === true || policy?.isDefault === true) {
      const kept = inheritedIdps(policy).filter((l) => l.idpId !== provider.id);
      const idps = on ? [...kept, { idpId: provider.id, ownerType }] : kept;
      return idpCall(at, 'AddCustomLoginPolicy', { ...ownLoginPolicyRequest(policy), idps });
    }
  }
  if (!on) return idpCall(at, 'RemoveIDPFromLoginPolicy', { idpId: provider.id });
  return idpCall(
    at,
    'AddIDPToLoginPolicy',
    at.level === 'org' ? { idpId: provider.id, ownerType } : { idpId: provider.id },
  );
}

/** @param {{ at: IdpLevel }} props */
function IdpList({ at }) {
  const { session } = useSession();
  const may = idpPermissions(at.level);
  const list = useLoad(() => idpCall(at, 'ListProviders', { query: listQuery(0, 100) }), []);
  const policyReadable = can(session, may.policyRead);
  const offered = useLoad(() => idpCall(at, 'ListLoginPolicyIDPs', { query: listQuery(0, 100) }), [], policyReadable);
  const action = useAction();
  const items = list.data?.result ?? [];
  const onLogin = new Set((offered.data?.result ?? []).map((/** @type {any} */ l) => l.idpId));
  const deletable = can(session, may.remove) || can(session, may.write);
  /** @param {any} p */
  const remove = (p) =>
    action.run(
      async () => {
        await idpCall(at, 'DeleteProvider', { id: p.id });
        list.reload();
        offered.reload();
      },
      t('idps.deleted', { name: p.name }),
    );
  /** @param {any} p @param {boolean} on */
  const offer = (p, on) =>
    action.run(
      async () => {
        await setOffered(at, p, on);
        offered.reload();
      },
      t(on ? 'idps.offered' : 'idps.withdrawn', { name: p.name }),
    );
  /** @param {any} p a provider of this level's list: the org's own, or the instance's */
  const own = (p) => (at.level === 'org') === (p.owner === ORG_OWNED);
  /** @param {any} p */
  const nameCell = (p) => {
    const level = p.owner === ORG_OWNED ? 'org' : 'instance';
    return can(session, idpPermissions(level).read) ? html`<a href=${href('idps', level, p.id)}>${p.name}</a>` : p.name;
  };
  return html`
    ${can(session, may.write) ? html`<${ProviderForm} at=${at} onSaved=${() => list.reload()} />` : ''}
    <${Section} title=${t('idps.title')}>
      <${LoadState} load=${list} count=${items.length} />
      <${Table}
        head=${[t('common.name'), t('idps.kind'), t('idps.owner'), t('common.state'), t('idps.onLogin'), html`<span class="sr-only">${t('domains.actions')}</span>`]}
        rows=${items.map((/** @type {any} */ p) => [
          nameCell(p),
          kindName(kindOf(p)),
          p.owner === ORG_OWNED ? t('idps.ownerOrg') : t('idps.ownerInstance'),
          stateOf(p.state),
          onLogin.has(p.id) ? t('idps.offeredYes') : t('idps.offeredNo'),
          html`<span class="actions">
            ${
              can(session, may.policyWrite) && policyReadable
                ? html`<button type="button" onClick=${() => offer(p, !onLogin.has(p.id))}>
                  ${onLogin.has(p.id) ? t('idps.withdraw') : t('idps.offer')}</button>`
                : ''
            }
            ${
              deletable && own(p)
                ? html`<${ConfirmButton} label=${t('idps.delete')} question=${t('idps.deleteConfirm', { name: p.name })} onConfirm=${() => remove(p)} />`
                : ''
            }
          </span>`,
        ])} />
      ${action.feedback}
    <//>`;
}

export function IdpsScreen() {
  const { session } = useSession();
  const orgReadable = can(session, 'org.idp.read');
  const instanceReadable = can(session, 'iam.idp.read');
  const [level, setLevel] = useState(/** @type {'org' | 'instance'} */ ('org'));
  if (!orgReadable && !instanceReadable) return html`<${Forbidden} />`;
  const shown = orgReadable ? level : 'instance';
  return html`<div>
    <h1>${t('idps.title')}</h1>
    ${
      orgReadable && instanceReadable
        ? html`<${Select} label=${t('settings.level')} value=${level} onChange=${setLevel}
          options=${[{ value: 'org', label: t('settings.levelOrg') }, { value: 'instance', label: t('settings.levelInstance') }]} />`
        : ''
    }
    <${IdpList} key=${`${shown}-${session.orgId}`} at=${{ level: shown, orgId: session.orgId }} />
  </div>`;
}

/** @param {unknown} state an IDPState of the v1 API */
export const stateOf = (state) =>
  state === 'IDP_STATE_INACTIVE' ? t('state.STATE_INACTIVE') : t('state.STATE_ACTIVE');
