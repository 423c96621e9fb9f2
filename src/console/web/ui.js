// Shared pieces of every screen: labelled fields, the states of a load (loading, empty, error),
// paging and a confirmation dialog. Every field has a <label>, so screen readers (and the tests)
// find it by its name.
import { useCallback, useEffect, useId, useRef, useState } from 'preact/hooks';
import { ApiError } from './api.js';
import { html } from './html.js';
import { t } from './i18n.js';

/**
 * @param {{ label: string, value: string, onInput: (v: string) => void, type?: string,
 *   required?: boolean, autocomplete?: string, multiline?: boolean, hint?: string, step?: string }} props
 */
export function Field({
  label,
  value,
  onInput,
  type = 'text',
  required = false,
  autocomplete = 'off',
  multiline,
  hint,
  step,
}) {
  const id = useId();
  const input = (/** @type {Event} */ e) => onInput(/** @type {HTMLInputElement} */ (e.currentTarget).value);
  return html`<div class="field">
    <label for=${id}>${label}</label>
    ${
      multiline
        ? html`<textarea id=${id} rows="3" value=${value} onInput=${input} required=${required}></textarea>`
        : html`<input id=${id} type=${type} value=${value} onInput=${input} required=${required} autocomplete=${autocomplete} step=${step} />`
    }
    ${hint ? html`<small>${hint}</small>` : ''}
  </div>`;
}

/** @param {{ label: string, checked: boolean, onChange: (v: boolean) => void }} props */
export function Check({ label, checked, onChange }) {
  const id = useId();
  return html`<div class="check">
    <input id=${id} type="checkbox" checked=${checked}
      onChange=${(/** @type {Event} */ e) => onChange(/** @type {HTMLInputElement} */ (e.currentTarget).checked)} />
    <label for=${id}>${label}</label>
  </div>`;
}

/**
 * @param {{ label: string, value: string, onChange: (v: string) => void,
 *   options: { value: string, label: string }[], placeholder?: string }} props
 */
export function Select({ label, value, onChange, options, placeholder }) {
  const id = useId();
  return html`<div class="field">
    <label for=${id}>${label}</label>
    <select id=${id} value=${value}
      onChange=${(/** @type {Event} */ e) => onChange(/** @type {HTMLSelectElement} */ (e.currentTarget).value)}>
      ${placeholder !== undefined ? html`<option value="">${placeholder}</option>` : ''}
      ${options.map((o) => html`<option value=${o.value}>${o.label}</option>`)}
    </select>
  </div>`;
}

/** @param {unknown} error */
export function errorText(error) {
  if (error instanceof ApiError) {
    if (error.status === 403) return t('error.forbidden');
    if (error.status === 401) return t('error.unauthenticated');
    if (error.status === 0) return t('error.network');
    if (error.status === 404 && !error.message) return t('error.notFound');
    return error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

/** @param {{ error: unknown }} props */
export function ErrorNotice({ error }) {
  if (!error) return null;
  const id = error instanceof ApiError ? error.id : undefined;
  const forbidden = error instanceof ApiError && error.status === 403;
  return html`<div class=${`notice error${forbidden ? ' forbidden' : ''}`} role="alert">
    <p>${errorText(error)}</p>
    ${forbidden && error.message ? html`<p>${error.message}</p>` : ''}
    ${id ? html`<p class="error-id">${t('error.id', { id })}</p>` : ''}
  </div>`;
}

/** A screen the user's permissions do not include: the same words as the API's 403. */
export const Forbidden = () => html`<${ErrorNotice} error=${new ApiError(403, 'permission_denied', '', undefined)} />`;

/** @param {{ text: string }} props */
export const Success = ({ text }) => html`<p class="notice success" role="status">${text}</p>`;

export const Loading = () => html`<p class="loading" role="status" aria-live="polite">${t('common.loading')}</p>`;

export const Empty = () => html`<p class="empty">${t('common.empty')}</p>`;

/**
 * Loads on mount and whenever `deps` change; `reload` loads again. Without `allowed`, nothing is
 * asked (a screen the user may not use answers its 403 without a call).
 * @template T
 * @param {() => Promise<T>} load
 * @param {unknown[]} deps
 * @param {boolean} [allowed]
 * @returns {{ data: T | undefined, error: unknown, loading: boolean, reload: () => void }}
 */
export function useLoad(load, deps, allowed = true) {
  const [state, setState] = useState(
    /** @type {{ data: T | undefined, error: unknown, loading: boolean }} */ ({
      data: undefined,
      error: undefined,
      loading: true,
    }),
  );
  const [round, setRound] = useState(0);
  useEffect(() => {
    let live = true;
    if (!allowed) return;
    setState((s) => ({ ...s, loading: true, error: undefined }));
    load().then(
      (data) => live && setState({ data, error: undefined, loading: false }),
      (error) => live && setState({ data: undefined, error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [...deps, round, allowed]);
  const reload = useCallback(() => setRound((r) => r + 1), []);
  return { ...state, reload };
}

/** @param {{ page: number, size: number, total: number, onPage: (p: number) => void }} props */
export function Pager({ page, size, total, onPage }) {
  if (total <= size && page === 0) return null;
  const from = total === 0 ? 0 : page * size + 1;
  const to = Math.min(total, (page + 1) * size);
  return html`<nav class="pager" aria-label="Pages">
    <button type="button" disabled=${page === 0} onClick=${() => onPage(page - 1)}>${t('common.previous')}</button>
    <span>${t('common.page', { from, to, total })}</span>
    <button type="button" disabled=${to >= total} onClick=${() => onPage(page + 1)}>${t('common.next')}</button>
  </nav>`;
}

/**
 * A button that asks first, in a modal dialog (Escape cancels, focus stays inside).
 * @param {{ label: string, question: string, onConfirm: () => void, danger?: boolean }} props
 */
export function ConfirmButton({ label, question, onConfirm, danger = true }) {
  const dialog = useRef(/** @type {HTMLDialogElement | null} */ (null));
  const titleId = useId();
  return html`<span>
    <button type="button" class=${danger ? 'danger' : ''} onClick=${() => dialog.current?.showModal()}>${label}</button>
    <dialog ref=${dialog} aria-labelledby=${titleId}>
      <p id=${titleId}>${question}</p>
      <div class="actions">
        <button type="button" onClick=${() => dialog.current?.close()}>${t('common.cancel')}</button>
        <button type="button" class=${danger ? 'danger' : ''}
          onClick=${() => {
            dialog.current?.close();
            onConfirm();
          }}>${label}</button>
      </div>
    </dialog>
  </span>`;
}

/**
 * The state of an action (a form sent, a button pressed): `run` clears the last outcome, runs the
 * work and keeps its error or the success message; `feedback` shows either.
 */
export function useAction() {
  const [error, setError] = useState(/** @type {unknown} */ (undefined));
  const [done, setDone] = useState('');
  /**
   * @param {() => Promise<unknown>} work
   * @param {string | (() => string)} [message] on success
   */
  const run = async (work, message = '') => {
    setError(undefined);
    setDone('');
    try {
      await work();
      setDone(typeof message === 'function' ? message() : message);
      return true;
    } catch (err) {
      setError(err);
      return false;
    }
  };
  /** A form's submit handler: the page stays, the work runs. */
  const submit =
    (/** @type {() => Promise<unknown>} */ work, /** @type {string | (() => string)} */ message = '') =>
    (/** @type {Event} */ e) => {
      e.preventDefault();
      return run(work, message);
    };
  const feedback = html`<${ErrorNotice} error=${error} />${done ? html`<${Success} text=${done} />` : ''}`;
  return { run, submit, feedback };
}

/**
 * What a list shows besides its rows: loading, the error, or that it is empty.
 * @param {{ load: { loading: boolean, error: unknown }, count: number }} props
 */
export const LoadState = ({ load, count }) =>
  html`${load.loading ? html`<${Loading} />` : ''}<${ErrorNotice} error=${load.error} />${
    !load.loading && !load.error && count === 0 ? html`<${Empty} />` : ''
  }`;

/**
 * A table with column headers; nothing when there are no rows.
 * @param {{ head: any[], rows: any[][] }} props
 */
export function Table({ head, rows }) {
  if (rows.length === 0) return null;
  // A table wider than a phone scrolls sideways in its own box rather than being cut off.
  return html`<div class="table-wrap"><table>
    <thead><tr>${head.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead>
    <tbody>${rows.map((cells) => html`<tr>${cells.map((c) => html`<td>${c}</td>`)}</tr>`)}</tbody>
  </table></div>`;
}

/**
 * A screen whose module is fetched the first time it is shown, so the first screen's JavaScript
 * stays within its budget.
 * @param {() => Promise<Record<string, any>>} load the module's dynamic import
 * @param {string} name the component it exports
 */
export function lazy(load, name) {
  /** @type {any} */
  let component;
  /** @param {Record<string, unknown>} props */
  return function Lazy(props) {
    const [, setReady] = useState(false);
    const [error, setError] = useState(/** @type {unknown} */ (undefined));
    useEffect(() => {
      if (component) return;
      load().then((module) => {
        component = module[name];
        setReady(true);
      }, setError);
    }, []);
    if (error) return html`<${ErrorNotice} error=${error} />`;
    return component ? html`<${component} ...${props} />` : html`<${Loading} />`;
  };
}

/** @param {{ value: string, onInput: (v: string) => void }} props */
export const SearchField = ({ value, onInput }) =>
  html`<form role="search" onSubmit=${(/** @type {Event} */ e) => e.preventDefault()}>
    <${Field} label=${t('common.search')} type="search" value=${value} onInput=${onInput} />
  </form>`;

/** @param {{ title: string, children?: any }} props */
export const Section = ({ title, children }) => html`<section class="panel"><h2>${title}</h2>${children}</section>`;

/** @param {unknown} state an API enum value, e.g. USER_STATE_ACTIVE */
export const stateText = (state) => t(`state.${String(state)}`);

/**
 * A secret the API answers only once (a token, a signing key), with the warning that it will not
 * be shown again; nothing until there is one.
 * @param {{ label: string, value: string, testId: string, warning: string }} props
 */
export const ShownOnce = ({ label, value, testId, warning }) =>
  value
    ? html`<dl class="facts"><dt>${label}</dt><dd><code data-testid=${testId}>${value}</code>
        <p class="notice warning" role="note">${warning}</p></dd></dl>`
    : null;
