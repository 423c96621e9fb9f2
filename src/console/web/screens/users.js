// Users of the current org: the list (search by name, username or email; paging), creating a
// human user, and one user's detail with deactivate/reactivate and delete.
import { useReducer, useState } from 'preact/hooks';
import { call, listQuery } from '../api.js';
import { html } from '../html.js';
import { t } from '../i18n.js';
import { go, href } from '../router.js';
import { can, useSession } from '../session.js';
import { Metadata } from './metadata.js';
import { UserCredentials } from './user-credentials.js';
import { UserContact, UserProfile } from './user-profile.js';
import { UserAuthorizations, UserSessions } from './user-related.js';
import {
  Check,
  ConfirmButton,
  ErrorNotice,
  Field,
  Forbidden,
  LoadState,
  Loading,
  Pager,
  SearchField,
  Section,
  Select,
  ShownOnce,
  Table,
  stateText,
  useAction,
  useLoad,
} from '../ui.js';

const SIZE = 20;
const CONTAINS = 'TEXT_QUERY_METHOD_CONTAINS_IGNORE_CASE';

/** @param {any} u a zitadel.user.v2.User */
export const displayNameOf = (u) => u.human?.profile?.displayName || u.machine?.name || u.username;

/** The orders ListUsers offers, with their labels. */
const SORTS = [
  ['USER_FIELD_NAME_USER_NAME', 'users.username'],
  ['USER_FIELD_NAME_DISPLAY_NAME', 'users.displayName'],
  ['USER_FIELD_NAME_EMAIL', 'users.email'],
  ['USER_FIELD_NAME_STATE', 'common.state'],
  ['USER_FIELD_NAME_CREATION_DATE', 'common.creationDate'],
];

/**
 * @param {string} orgId @param {string} search @param {number} page @param {number} size
 * @param {{ column: string, asc: boolean }} [order]
 */
export function listUsers(orgId, search, page, size, order = { column: SORTS[0][0], asc: true }) {
  /** @type {any[]} */
  const queries = [{ organizationIdQuery: { organizationId: orgId } }];
  if (search) {
    queries.push({
      orQuery: {
        queries: [
          { userNameQuery: { userName: search, method: CONTAINS } },
          { displayNameQuery: { displayName: search, method: CONTAINS } },
          { emailQuery: { emailAddress: search, method: CONTAINS } },
        ],
      },
    });
  }
  return call('zitadel.user.v2.UserService/ListUsers', {
    query: listQuery(page, size, order.asc),
    sortingColumn: order.column,
    queries,
  });
}

export function UsersScreen() {
  const { session } = useSession();
  const [search, setSearch] = useState('');
  const [page, setPage] = useState(0);
  const [order, setOrder] = useState({ column: SORTS[0][0], asc: true });
  const list = useLoad(
    () => listUsers(session.orgId, search, page, SIZE, order),
    [session.orgId, search, page, order],
    can(session, 'user.read'),
  );
  if (!can(session, 'user.read')) return html`<${Forbidden} />`;
  const users = list.data?.result ?? [];
  return html`<div>
    <h1>${t('users.title')}</h1>
    ${
      can(session, 'user.write')
        ? html`<${CreateUser} orgId=${session.orgId} onCreated=${list.reload} />
          <${CreateMachine} orgId=${session.orgId} onCreated=${list.reload} />`
        : ''
    }
    <${Section} title=${t('users.title')}>
      <div class="list-tools">
        <${SearchField} value=${search} onInput=${(/** @type {string} */ v) => {
          setSearch(v);
          setPage(0);
        }} />
        <${Select} label=${t('common.sortBy')} value=${order.column} onChange=${(/** @type {string} */ column) => setOrder({ ...order, column })}
          options=${SORTS.map(([value, label]) => ({ value, label: t(label) }))} />
        <${Check} label=${t('common.descending')} checked=${!order.asc} onChange=${(/** @type {boolean} */ d) => setOrder({ ...order, asc: !d })} />
      </div>
      <${LoadState} load=${list} count=${users.length} />
      <${Table}
        head=${[t('users.displayName'), t('users.username'), t('users.email'), t('common.state')]}
        rows=${users.map((/** @type {any} */ u) => [
          html`<a href=${href('users', u.userId)}>${displayNameOf(u)}</a>`,
          u.username,
          u.human?.email?.email ?? '',
          stateText(u.state),
        ])} />
      <${Pager} page=${page} size=${SIZE} total=${Number(list.data?.details?.totalResult ?? 0)} onPage=${setPage} />
    <//>
  </div>`;
}

/** @param {{ orgId: string, onCreated: () => void }} props */
function CreateUser({ orgId, onCreated }) {
  const empty = { givenName: '', familyName: '', username: '', email: '', password: '' };
  const [form, setForm] = useState(empty);
  const [emailVerified, setEmailVerified] = useState(false);
  const [changeRequired, setChangeRequired] = useState(true);
  const action = useAction();
  /** @param {keyof typeof empty} key */
  const field = (key) => (/** @type {string} */ v) => setForm({ ...form, [key]: v });
  const create = async () => {
    await call('zitadel.user.v2.UserService/AddHumanUser', {
      organization: { orgId },
      ...(form.username ? { username: form.username } : {}),
      profile: { givenName: form.givenName, familyName: form.familyName },
      email: { email: form.email, ...(emailVerified ? { isVerified: true } : {}) },
      ...(form.password ? { password: { password: form.password, changeRequired } } : {}),
    });
    setForm(empty);
    onCreated();
  };
  return html`<${Section} title=${t('users.create')}>
    <form onSubmit=${action.submit(create, t('users.created', { name: `${form.givenName} ${form.familyName}` }))} class="grid">
      <${Field} label=${t('users.givenName')} value=${form.givenName} onInput=${field('givenName')} required />
      <${Field} label=${t('users.familyName')} value=${form.familyName} onInput=${field('familyName')} required />
      <${Field} label=${t('users.username')} value=${form.username} onInput=${field('username')} />
      <${Field} label=${t('users.email')} type="email" value=${form.email} onInput=${field('email')} required />
      <${Check} label=${t('users.emailVerified')} checked=${emailVerified} onChange=${setEmailVerified} />
      <${Field} label=${t('users.password')} type="password" autocomplete="new-password" value=${form.password} onInput=${field('password')} />
      <${Check} label=${t('users.changeRequired')} checked=${changeRequired} onChange=${setChangeRequired} />
      <div><button type="submit" class="primary">${t('users.create')}</button></div>
    </form>
    ${action.feedback}
  <//>`;
}

/** @param {{ orgId: string, onCreated: () => void }} props */
function CreateMachine({ orgId, onCreated }) {
  const empty = { username: '', name: '', description: '' };
  const [form, setForm] = useState(empty);
  const action = useAction();
  /** @param {keyof typeof empty} key */
  const field = (key) => (/** @type {string} */ v) => setForm({ ...form, [key]: v });
  const create = async () => {
    await call('zitadel.user.v2.UserService/CreateUser', {
      organizationId: orgId,
      username: form.username,
      machine: { name: form.name, ...(form.description ? { description: form.description } : {}) },
    });
    setForm(empty);
    onCreated();
  };
  return html`<${Section} title=${t('users.createMachine')}>
    <form onSubmit=${action.submit(create, t('users.created', { name: form.name }))} class="grid">
      <${Field} label=${t('users.username')} value=${form.username} onInput=${field('username')} required />
      <${Field} label=${t('users.machineName')} value=${form.name} onInput=${field('name')} required />
      <${Field} label=${t('users.description')} value=${form.description} onInput=${field('description')} />
      <div><button type="submit" class="primary">${t('users.createMachine')}</button></div>
    </form>
    ${action.feedback}
  <//>`;
}

/** A new personal access token of a machine user, shown once. @param {{ userId: string, onAdded: () => void }} props */
function NewToken({ userId, onAdded }) {
  // The API asks for an expiry: a year from today unless chosen.
  const [expires, setExpires] = useState(() => new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10));
  const [token, setToken] = useState('');
  const action = useAction();
  const add = async () => {
    const answer = await call('zitadel.user.v2.UserService/AddPersonalAccessToken', {
      userId,
      expirationDate: new Date(`${expires}T00:00:00Z`).toISOString(),
    });
    setToken(answer.token);
    onAdded();
  };
  return html`<${Section} title=${t('users.newToken')}>
    <form onSubmit=${action.submit(add)} class="grid">
      <${Field} label=${t('users.tokenExpires')} type="date" value=${expires} onInput=${setExpires} required />
      <div><button type="submit" class="primary">${t('users.newToken')}</button></div>
    </form>
    <${ShownOnce} label=${t('users.token')} value=${token} testId="new-token" warning=${t('users.tokenOnce')} />
    ${action.feedback}
  <//>`;
}

/**
 * A service account's client secret (client credentials): made with AddSecret and shown once, a new
 * one replacing the old; removed with RemoveSecret after a confirmation.
 * @param {{ userId: string, hasSecret: boolean, onChanged: () => void }} props
 */
function MachineSecret({ userId, hasSecret, onChanged }) {
  const [secret, setSecret] = useState('');
  const action = useAction();
  const generate = () =>
    action.run(async () => {
      setSecret((await call('zitadel.user.v2.UserService/AddSecret', { userId })).clientSecret);
      onChanged();
    });
  const remove = () =>
    action.run(async () => {
      await call('zitadel.user.v2.UserService/RemoveSecret', { userId });
      setSecret('');
      onChanged();
    }, t('users.secretRemoved'));
  return html`<${Section} title=${t('users.secret')}>
    <p data-testid="secret-state">${hasSecret ? t('users.secretSet') : t('users.secretNone')}</p>
    <div class="actions">
      ${
        hasSecret
          ? html`<${ConfirmButton} label=${t('users.secretNew')} question=${t('users.secretNewConfirm')} onConfirm=${generate} danger=${false} />
            <${ConfirmButton} label=${t('users.secretRemove')} question=${t('users.secretRemoveConfirm')} onConfirm=${remove} />`
          : html`<button type="button" class="primary" onClick=${generate}>${t('users.secretNew')}</button>`
      }
    </div>
    <${ShownOnce} label=${t('users.secret')} value=${secret} testId="machine-secret" warning=${t('users.secretOnce')} />
    ${action.feedback}
  <//>`;
}

/** @param {{ userId: string }} props */
export function UserScreen({ userId }) {
  const { session } = useSession();
  const action = useAction();
  // A new token counts up, so the token list loads again.
  const [tokens, tokenAdded] = useReducer((/** @type {number} */ n) => n + 1, 0);
  const loaded = useLoad(
    () => call('zitadel.user.v2.UserService/GetUserByID', { userId }),
    [userId],
    can(session, 'user.read'),
  );
  if (!can(session, 'user.read')) return html`<${Forbidden} />`;
  // Loading again after a change keeps the page (and the change's message) in place.
  if (!loaded.data && !loaded.error) return html`<${Loading} />`;
  if (loaded.error) return html`<${ErrorNotice} error=${loaded.error} />`;
  const u = loaded.data.user;
  const name = displayNameOf(u);
  /** @param {string} method @param {string} message */
  const act = (method, message) =>
    action.run(async () => {
      await call(`zitadel.user.v2.UserService/${method}`, { userId });
      if (method === 'DeleteUser') go('users');
      else loaded.reload();
    }, message);
  const active = u.state !== 'USER_STATE_INACTIVE';
  const locked = u.state === 'USER_STATE_LOCKED';
  return html`<div>
    <p><a href=${href('users')}>← ${t('users.title')}</a></p>
    <h1>${t('users.detail', { name })}</h1>
    <${Section} title=${name}>
      <dl class="facts">
        <dt>${t('common.id')}</dt><dd>${u.userId}</dd>
        <dt>${t('users.username')}</dt><dd>${u.username}</dd>
        <dt>${t('users.loginName')}</dt><dd>${u.preferredLoginName}</dd>
        <dt>${t('users.type')}</dt><dd>${u.human ? t('users.human') : t('users.machine')}</dd>
        <dt>${t('common.state')}</dt><dd data-testid="user-state">${stateText(u.state)}</dd>
        ${
          u.human
            ? html`<dt>${t('users.email')}</dt><dd>${u.human.email?.email} (${u.human.email?.isVerified ? t('users.verified') : t('users.unverified')})</dd>`
            : ''
        }
      </dl>
      <div class="actions">
        ${
          can(session, 'user.write')
            ? active
              ? html`<button type="button" onClick=${() => act('DeactivateUser', stateText('USER_STATE_INACTIVE'))}>${t('users.deactivate')}</button>`
              : html`<button type="button" onClick=${() => act('ReactivateUser', stateText('USER_STATE_ACTIVE'))}>${t('users.reactivate')}</button>`
            : ''
        }
        ${
          can(session, 'user.write') && active
            ? locked
              ? html`<button type="button" onClick=${() => act('UnlockUser', stateText('USER_STATE_ACTIVE'))}>${t('users.unlock')}</button>`
              : html`<button type="button" onClick=${() => act('LockUser', stateText('USER_STATE_LOCKED'))}>${t('users.lock')}</button>`
            : ''
        }
        ${
          can(session, 'user.delete')
            ? html`<${ConfirmButton} label=${t('users.delete')} question=${t('users.deleteConfirm', { name })} onConfirm=${() => act('DeleteUser', t('users.deleted'))} />`
            : ''
        }
      </div>
      ${action.feedback}
    <//>
    ${
      u.human && can(session, 'user.write')
        ? html`<${UserProfile} key=${u.userId} user=${u} onSaved=${loaded.reload} />
          <${UserContact} user=${u} onSaved=${loaded.reload} />`
        : ''
    }
    ${
      u.machine && can(session, 'user.write')
        ? html`<${NewToken} userId=${u.userId} onAdded=${tokenAdded} />
          <${MachineSecret} userId=${u.userId} hasSecret=${Boolean(u.machine.hasSecret)} onChanged=${loaded.reload} />`
        : ''
    }
    <${UserCredentials} user=${u} writable=${can(session, 'user.write')} round=${tokens} />
    <${Metadata}
      id=${u.userId}
      list=${() => call('zitadel.user.v2.UserService/ListUserMetadata', { userId: u.userId })}
      set=${(/** @type {{ key: string, value: string }} */ m) => call('zitadel.user.v2.UserService/SetUserMetadata', { userId: u.userId, metadata: [m] })}
      remove=${(/** @type {string} */ key) => call('zitadel.user.v2.UserService/DeleteUserMetadata', { userId: u.userId, keys: [key] })}
      writable=${can(session, 'user.write')} />
    ${can(session, 'user.grant.read') ? html`<${UserAuthorizations} userId=${u.userId} />` : ''}
    ${can(session, 'session.read') ? html`<${UserSessions} userId=${u.userId} writable=${can(session, 'session.delete')} />` : ''}
  </div>`;
}
