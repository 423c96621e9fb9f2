// The keys of an app that proves itself with a private key JWT (OIDC or API): listed with their
// expiry, a new one added whose key file (JSON with the private key) is shown this once, and each
// removed after a confirmation.
import { useState } from 'preact/hooks';
import { call, listQuery, textOfBytes } from '../api.js';
import { html } from '../html.js';
import { t } from '../i18n.js';
import { ConfirmButton, Field, LoadState, Section, ShownOnce, Table, useAction, useLoad } from '../ui.js';

const APPS = 'zitadel.app.v2beta.AppService';

/** Auth methods whose apps sign with a key the server holds the public half of. */
export const WITH_KEYS = ['OIDC_AUTH_METHOD_TYPE_PRIVATE_KEY_JWT', 'API_AUTH_METHOD_TYPE_PRIVATE_KEY_JWT'];

/** @param {unknown} iso a timestamp from the API */
const day = (iso) => (iso ? new Date(String(iso)).toLocaleDateString() : '');

/** @param {{ projectId: string, appId: string, writable: boolean }} props */
export function AppKeys({ projectId, appId, writable }) {
  // The API asks for an expiry: a year from today unless chosen.
  const [expires, setExpires] = useState(() => new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10));
  const [file, setFile] = useState('');
  const action = useAction();
  const keys = useLoad(
    () => call(`${APPS}/ListApplicationKeys`, { pagination: listQuery(0, 100), applicationId: appId }),
    [appId],
  );
  const list = keys.data?.keys ?? [];
  const add = async () => {
    const answer = await call(`${APPS}/CreateApplicationKey`, {
      projectId,
      appId,
      expirationDate: new Date(`${expires}T00:00:00Z`).toISOString(),
    });
    setFile(textOfBytes(answer.keyDetails ?? ''));
    keys.reload();
  };
  const remove = (/** @type {any} */ k) =>
    action.run(async () => {
      await call(`${APPS}/DeleteApplicationKey`, {
        id: k.id,
        projectId,
        applicationId: appId,
        organizationId: k.organizationId,
      });
      setFile('');
      keys.reload();
    }, t('credentials.removed'));
  return html`<${Section} title=${t('credentials.keys')}>
    <${LoadState} load=${keys} count=${list.length} />
    <${Table}
      head=${[t('common.id'), t('users.tokenExpires'), ...(writable ? [''] : [])]}
      rows=${list.map((/** @type {any} */ k) => [
        k.id,
        day(k.expirationDate),
        ...(writable
          ? [
              html`<${ConfirmButton} label=${t('domains.remove')} question=${t('credentials.removeConfirm', { name: k.id })} onConfirm=${() => remove(k)} />`,
            ]
          : []),
      ])} />
    ${
      writable
        ? html`<form onSubmit=${action.submit(add)} class="grid">
          <${Field} label=${t('users.tokenExpires')} type="date" value=${expires} onInput=${setExpires} required />
          <div><button type="submit" class="primary">${t('apps.addKey')}</button></div>
        </form>`
        : ''
    }
    <${ShownOnce} label=${t('apps.keyFile')} value=${file} testId="app-key" warning=${t('apps.keyOnce')} />
    ${action.feedback}
  <//>`;
}
