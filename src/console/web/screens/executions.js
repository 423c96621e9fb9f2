// The executions of the instance (zitadel.action.v2beta): which targets run, in order, on a
// condition — a request or response of an API method or service (or all of them), a function, an
// event or event group. Set with SetExecution; removed, as ZITADEL removes one, by setting it
// with no targets.
import { useState } from 'preact/hooks';
import { call } from '../api.js';
import { html } from '../html.js';
import { t } from '../i18n.js';
import { can, useSession } from '../session.js';
import { Check, ConfirmButton, Field, LoadState, Section, Select, Table, useAction, useLoad } from '../ui.js';

const ACTIONS = 'zitadel.action.v2beta.ActionService';

/** What a condition of each kind is about, in the API's field names. */
const SCOPES = /** @type {Record<string, string[]>} */ ({
  request: ['method', 'service', 'all'],
  response: ['method', 'service', 'all'],
  function: ['name'],
  event: ['event', 'group', 'all'],
});

/** @param {any} c a zitadel.action.v2beta.Condition: what an execution reacts to */
export function conditionText(c) {
  const [kind, value] = Object.entries(c ?? {})[0] ?? ['', {}];
  const [what, detail] = Object.entries(value ?? {})[0] ?? ['', ''];
  return `${kind} ${what === 'all' ? t('actions.all') : String(detail)}`.trim();
}

/**
 * The choices the server offers for a method, service or function condition; an event or group is typed.
 * @param {string} kind @param {string} scope
 * @returns {Promise<string[] | undefined>}
 */
async function offered(kind, scope) {
  if (kind === 'function') return (await call(`${ACTIONS}/ListExecutionFunctions`, {})).functions ?? [];
  if (scope === 'method') return (await call(`${ACTIONS}/ListExecutionMethods`, {})).methods ?? [];
  if (scope === 'service') return (await call(`${ACTIONS}/ListExecutionServices`, {})).services ?? [];
  return undefined;
}

/** @param {{ targets: any[], executions: ReturnType<typeof useLoad<any>> }} props */
export function Executions({ targets, executions }) {
  const { session } = useSession();
  const action = useAction();
  const names = new Map(targets.map((x) => [x.id, x.name]));
  const runs = executions.data?.executions ?? [];
  const writable = can(session, 'action.execution.write');
  const [editing, setEditing] = useState(/** @type {any} */ (undefined));
  /** @param {any} e */
  const remove = (e) =>
    action.run(async () => {
      await call(`${ACTIONS}/SetExecution`, { condition: e.condition, targets: [] });
      executions.reload();
    }, t('executions.removed'));
  /** SetExecution replaces the targets, in the order given. @param {any} e @param {string[]} order */
  const saveTargets = (e, order) =>
    action.run(async () => {
      await call(`${ACTIONS}/SetExecution`, { condition: e.condition, targets: order });
      setEditing(undefined);
      executions.reload();
    }, t('executions.saved'));
  return html`<${Section} title=${t('actions.executions')}>
    <${LoadState} load=${executions} count=${runs.length} />
    <${Table}
      head=${[t('actions.condition'), t('actions.targets'), ...(writable ? [''] : [])]}
      rows=${runs.map((/** @type {any} */ e) => [
        conditionText(e.condition),
        (e.targets ?? []).map((/** @type {string} */ id) => names.get(id) ?? id).join(', '),
        ...(writable
          ? [
              html`<span class="actions">
              <button type="button" onClick=${() => setEditing(e)}>${t('executions.edit')}</button>
              <${ConfirmButton} label=${t('executions.remove')}
                question=${t('executions.removeConfirm', { condition: conditionText(e.condition) })} onConfirm=${() => remove(e)} />
            </span>`,
            ]
          : []),
      ])} />
    ${action.feedback}
    ${
      writable && editing
        ? html`<${EditTargets} key=${conditionText(editing.condition)} execution=${editing} targets=${targets}
          onSave=${(/** @type {string[]} */ order) => saveTargets(editing, order)} onCancel=${() => setEditing(undefined)} />`
        : ''
    }
    ${writable ? html`<${SetExecution} targets=${targets} onSet=${executions.reload} />` : ''}
  <//>`;
}

/** @param {{ targets: any[], onSet: () => void }} props */
function SetExecution({ targets, onSet }) {
  const [kind, setKind] = useState('request');
  const [scope, setScope] = useState('method');
  const [value, setValue] = useState('');
  const [chosen, setChosen] = useState(/** @type {string[]} */ ([]));
  const action = useAction();
  const choices = useLoad(() => offered(kind, scope), [kind, scope]);
  const changeKind = (/** @type {string} */ k) => {
    setKind(k);
    setScope(SCOPES[k][0]);
    setValue('');
  };
  const changeScope = (/** @type {string} */ s) => {
    setScope(s);
    setValue('');
  };
  const set = async () => {
    const about = kind === 'function' ? { name: value } : { [scope]: scope === 'all' ? true : value };
    await call(`${ACTIONS}/SetExecution`, { condition: { [kind]: about }, targets: chosen });
    setChosen([]);
    onSet();
  };
  const list = choices.data;
  return html`<form onSubmit=${action.submit(set, t('executions.set'))} class="grid">
      <${Select} label=${t('executions.kind')} value=${kind} onChange=${changeKind}
        options=${Object.keys(SCOPES).map((k) => ({ value: k, label: t(`executions.kind.${k}`) }))} />
      ${
        SCOPES[kind].length > 1
          ? html`<${Select} label=${t('executions.scope')} value=${scope} onChange=${changeScope}
            options=${SCOPES[kind].map((s) => ({ value: s, label: t(`executions.scope.${s}`) }))} />`
          : ''
      }
      ${
        scope === 'all'
          ? ''
          : list
            ? html`<${Select} label=${t(`executions.scope.${scope}`)} value=${value} onChange=${setValue} placeholder=${t('authz.choose')}
              options=${list.map((v) => ({ value: v, label: v }))} />`
            : html`<${Field} label=${t(`executions.scope.${scope}`)} value=${value} onInput=${setValue} required />`
      }
      <fieldset>
        <legend>${t('actions.targets')}</legend>
        ${targets.map(
          (x) => html`<${Check} label=${x.name} checked=${chosen.includes(x.id)}
            onChange=${(/** @type {boolean} */ on) => setChosen(on ? [...chosen, x.id] : chosen.filter((id) => id !== x.id))} />`,
        )}
      </fieldset>
      <div><button type="submit" class="primary" disabled=${chosen.length === 0 || (scope !== 'all' && !value)}>
        ${t('executions.submit')}
      </button></div>
    </form>
    ${action.feedback}`;
}

/**
 * An execution's targets changed in place: called in the order listed (moved up or down), one
 * added or taken out, saved as SetExecution replaces them. Taking out every one is the removal
 * above, so at least one stays.
 * @param {{ execution: any, targets: any[], onSave: (order: string[]) => void, onCancel: () => void }} props
 */
function EditTargets({ execution, targets, onSave, onCancel }) {
  const [order, setOrder] = useState(/** @type {string[]} */ (execution.targets ?? []));
  const [adding, setAdding] = useState('');
  const names = new Map(targets.map((x) => [x.id, x.name]));
  const condition = conditionText(execution.condition);
  /** @param {number} i @param {number} by */
  const move = (i, by) => {
    const next = [...order];
    [next[i], next[i + by]] = [next[i + by], next[i]];
    setOrder(next);
  };
  const add = () => {
    setOrder([...order, adding]);
    setAdding('');
  };
  const rest = targets.filter((x) => !order.includes(x.id));
  return html`<form class="grid" aria-label=${t('executions.editTitle', { condition })}
      onSubmit=${(/** @type {Event} */ e) => {
        e.preventDefault();
        onSave(order);
      }}>
      <h3 class="wide">${t('executions.editTitle', { condition })}</h3>
      <ol class="ordered wide">
        ${order.map((id, i) => {
          const name = names.get(id) ?? id;
          return html`<li>
            <span>${name}</span>
            <span class="actions">
              <button type="button" disabled=${i === 0} onClick=${() => move(i, -1)}>${t('executions.up', { name })}</button>
              <button type="button" disabled=${i === order.length - 1} onClick=${() => move(i, 1)}>${t('executions.down', { name })}</button>
              <button type="button" disabled=${order.length === 1} onClick=${() => setOrder(order.filter((x) => x !== id))}>
                ${t('executions.takeOut', { name })}</button>
            </span>
          </li>`;
        })}
      </ol>
      ${
        rest.length
          ? html`<div class="actions">
            <${Select} label=${t('executions.addTarget')} value=${adding} onChange=${setAdding} placeholder=${t('authz.choose')}
              options=${rest.map((x) => ({ value: x.id, label: x.name }))} />
            <button type="button" disabled=${!adding} onClick=${add}>${t('executions.add')}</button>
          </div>`
          : ''
      }
      <div class="actions">
        <button type="submit" class="primary">${t('executions.saveTargets')}</button>
        <button type="button" onClick=${onCancel}>${t('common.cancel')}</button>
      </div>
    </form>`;
}
