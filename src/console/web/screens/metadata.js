// Metadata of a user or an org: key-value pairs (the API carries values as base64 bytes; the
// console shows and takes them as UTF-8 text), set and removed.
import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { t } from '../i18n.js';
import { ConfirmButton, Field, LoadState, Section, Table, useAction, useLoad } from '../ui.js';

/** @param {string} text */
const toBase64 = (text) => btoa(String.fromCharCode(...new TextEncoder().encode(text)));
/** @param {string} b64 */
const fromBase64 = (b64) => new TextDecoder().decode(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)));

/**
 * @param {{
 *   id: string,
 *   list: () => Promise<{ metadata?: { key: string, value: string }[] }>,
 *   set: (entry: { key: string, value: string }) => Promise<unknown>,
 *   remove: (key: string) => Promise<unknown>,
 *   writable: boolean,
 * }} props `set` and `list` take and give base64 values, as the API does
 */
export function Metadata({ id, list, set, remove, writable }) {
  const entries = useLoad(list, [id]);
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const action = useAction();
  const items = entries.data?.metadata ?? [];
  const add = async () => {
    await set({ key, value: toBase64(value) });
    setKey('');
    setValue('');
    entries.reload();
  };
  /** @param {string} k */
  const drop = (k) =>
    action.run(async () => {
      await remove(k);
      entries.reload();
    });
  return html`<${Section} title=${t('metadata.title')}>
    <${LoadState} load=${entries} count=${items.length} />
    <${Table}
      head=${[t('metadata.key'), t('metadata.value'), html`<span class="sr-only">${t('domains.actions')}</span>`]}
      rows=${items.map((m) => [
        m.key,
        fromBase64(m.value),
        writable
          ? html`<${ConfirmButton} label=${t('domains.remove')} question=${t('metadata.removeConfirm', { key: m.key })} onConfirm=${() => drop(m.key)} />`
          : '',
      ])} />
    ${
      writable
        ? html`<form onSubmit=${action.submit(add, t('metadata.set', { key }))} class="grid">
          <${Field} label=${t('metadata.key')} value=${key} onInput=${setKey} required />
          <${Field} label=${t('metadata.value')} value=${value} onInput=${setValue} required />
          <div><button type="submit" class="primary">${t('metadata.add')}</button></div>
        </form>`
        : ''
    }
    ${action.feedback}
  <//>`;
}
