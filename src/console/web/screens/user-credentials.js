// A user's credentials on the user's page: a human's second factors and passkeys, a machine's
// personal access tokens and keys; each listed, and removed after a confirmation.
import { call, listQuery } from '../api.js';
import { html } from '../html.js';
import { t } from '../i18n.js';
import { useState } from 'preact/hooks';
import { can, useSession } from '../session.js';
import { ConfirmButton, LoadState, Section, Table, stateText, useAction, useLoad } from '../ui.js';
import { RegisterPasskey, SendPasskeyLink } from './passkey.js';

const USERS = 'zitadel.user.v2.UserService';

/** @param {unknown} iso a timestamp from the API */
const when = (iso) => (iso ? new Date(String(iso)).toLocaleString() : '');

/**
 * A credential as the table shows it: its kind, its name, its state or dates, and the call that removes it.
 * @typedef {{ key: string, kind: string, name: string, detail: string, remove: () => Promise<unknown> }} Credential
 */

/**
 * The list of one sort of credential with a Remove button per row.
 * @param {{ title: string, head: string[], load: () => Promise<Credential[]>, deps: unknown[], writable: boolean }} props
 */
function Credentials({ title, head, load, deps, writable }) {
  const list = useLoad(load, deps);
  const action = useAction();
  const items = list.data ?? [];
  return html`<${Section} title=${title}>
    <${LoadState} load=${list} count=${items.length} />
    <${Table}
      head=${writable ? [...head, ''] : head}
      rows=${items.map((c) => {
        const cells = [c.kind, c.name, c.detail];
        if (!writable) return cells;
        const remove = () =>
          action.run(async () => {
            await c.remove();
            list.reload();
          }, t('credentials.removed'));
        return [
          ...cells,
          html`<${ConfirmButton} label=${t('domains.remove')} question=${t('credentials.removeConfirm', { name: c.name || c.kind })} onConfirm=${remove} />`,
        ];
      })} />
    ${action.feedback}
  <//>`;
}

/**
 * ListAuthenticationFactors' factors and ListPasskeys' passkeys, each with the method that removes it.
 * @param {string} userId
 * @returns {Promise<Credential[]>}
 */
async function factorsOf(userId) {
  const [factors, passkeys] = await Promise.all([
    call(`${USERS}/ListAuthenticationFactors`, { userId }),
    call(`${USERS}/ListPasskeys`, { userId }),
  ]);
  /** @param {string} method @param {object} [extra] */
  const remover =
    (method, extra = {}) =>
    () =>
      call(`${USERS}/${method}`, { userId, ...extra });
  /** @type {Credential[]} */
  const found = (factors.result ?? []).map((/** @type {any} */ f) => {
    const state = stateText(f.state);
    if (f.u2f)
      return {
        key: `u2f-${f.u2f.id}`,
        kind: t('credentials.u2f'),
        name: f.u2f.name ?? '',
        detail: state,
        remove: remover('RemoveU2F', { u2fId: f.u2f.id }),
      };
    if (f.otpSms)
      return {
        key: 'otp-sms',
        kind: t('credentials.otpSms'),
        name: '',
        detail: state,
        remove: remover('RemoveOTPSMS'),
      };
    if (f.otpEmail)
      return {
        key: 'otp-email',
        kind: t('credentials.otpEmail'),
        name: '',
        detail: state,
        remove: remover('RemoveOTPEmail'),
      };
    return { key: 'totp', kind: t('credentials.totp'), name: '', detail: state, remove: remover('RemoveTOTP') };
  });
  for (const p of passkeys.result ?? []) {
    found.push({
      key: `passkey-${p.id}`,
      kind: t('credentials.passkey'),
      name: p.name ?? '',
      detail: stateText(p.state),
      remove: remover('RemovePasskey', { passkeyId: p.id }),
    });
  }
  return found;
}

/**
 * A machine's tokens or keys (ListPersonalAccessTokens, ListKeys: the same filter and shape).
 * @param {string} userId @param {'PersonalAccessTokens' | 'Keys'} what
 * @returns {Promise<Credential[]>}
 */
async function machineCredentialsOf(userId, what) {
  const answer = await call(`${USERS}/List${what}`, {
    pagination: listQuery(0, 100),
    filters: [{ userIdFilter: { id: userId } }],
  });
  const kind = what === 'Keys' ? t('credentials.key') : t('users.token');
  return (answer.result ?? []).map((/** @type {any} */ c) => ({
    key: c.id,
    kind,
    name: c.id,
    detail: when(c.expirationDate),
    remove: () =>
      what === 'Keys'
        ? call(`${USERS}/RemoveKey`, { userId, keyId: c.id })
        : call(`${USERS}/RemovePersonalAccessToken`, { userId, tokenId: c.id }),
  }));
}

/** @param {{ user: any, writable: boolean, round?: number }} props a zitadel.user.v2.User */
export function UserCredentials({ user, writable, round = 0 }) {
  const userId = user.userId;
  const { session } = useSession();
  const [registered, setRegistered] = useState(0);
  if (user.human) {
    return html`<${Credentials} title=${t('credentials.factors')} head=${[t('users.type'), t('common.name'), t('common.state')]}
      load=${() => factorsOf(userId)} deps=${[userId, registered]} writable=${writable} />
      ${
        userId === session.userId
          ? html`<${RegisterPasskey} userId=${userId} onRegistered=${() => setRegistered((n) => n + 1)} />`
          : can(session, 'user.passkey.write') && user.human.email?.email
            ? html`<${SendPasskeyLink} userId=${userId} email=${user.human.email.email} />`
            : ''
      }`;
  }
  const head = [t('users.type'), t('common.id'), t('users.tokenExpires')];
  return html`
    <${Credentials} title=${t('users.tokens')} head=${head} load=${() => machineCredentialsOf(userId, 'PersonalAccessTokens')}
      deps=${[userId, round]} writable=${writable} />
    <${Credentials} title=${t('credentials.keys')} head=${head} load=${() => machineCredentialsOf(userId, 'Keys')}
      deps=${[userId]} writable=${writable} />`;
}
