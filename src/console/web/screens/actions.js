// Actions of the instance (zitadel.action.v2beta): targets (list, create with the signing key
// shown once, delete after a confirmation) and the executions that call them.
import { useState } from 'preact/hooks';
import { call, listQuery } from '../api.js';
import { html } from '../html.js';
import { t } from '../i18n.js';
import { can, useSession } from '../session.js';
import { Check, ConfirmButton, Field, Forbidden, LoadState, Section, Select, ShownOnce, Table, useAction, useLoad } from '../ui.js';

const ACTIONS = 'zitadel.action.v2beta.ActionService';

/** The kinds of target, as CreateTarget names them. */
const KINDS = ['restWebhook', 'restCall', 'restAsync'];

/** @param {{ onCreated: () => void }} props */
function CreateTarget({ onCreated }) {
  const empty = { name: '', endpoint: '', kind: KINDS[0], timeout: '10' };
  const [form, setForm] = useState(empty);
  const [interrupt, setInterrupt] = useState(false);
  const [key, setKey] = useState('');
  const action = useAction();
  /** @param {keyof typeof empty} k */
  const field = (k) => (/** @type {string} */ v) => setForm({ ...form, [k]: v });
  const create = async () => {
    const answer = await call(`${ACTIONS}/CreateTarget`, {
      name: form.name,
      endpoint: form.endpoint,
      timeout: `${Number(form.timeout)}s`,
      // An async target's answer is not awaited, so it cannot interrupt.
      [form.kind]: form.kind === 'restAsync' ? {} : { interruptOnError: interrupt },
    });
    setKey(answer.signingKey ?? '');
    setForm(empty);
    onCreated();
  };
  return html`<${Section} title=${t('actions.createTarget')}>
    <form onSubmit=${action.submit(create, t('common.created'))} class="grid">
      <${Field} label=${t('common.name')} value=${form.name} onInput=${field('name')} required />
      <${Field} label=${t('actions.endpoint')} type="url" value=${form.endpoint} onInput=${field('endpoint')} required />
      <${Select} label=${t('actions.kind')} value=${form.kind} onChange=${field('kind')}
        options=${KINDS.map((k) => ({ value: k, label: t(`actions.kind.${k}`) }))} />
      <${Field} label=${t('actions.timeout')} type="number" value=${form.timeout} onInput=${field('timeout')} required />
      ${form.kind === 'restAsync' ? '' : html`<${Check} label=${t('actions.interrupt')} checked=${interrupt} onChange=${setInterrupt} />`}
      <div><button type="submit" class="primary">${t('actions.createTarget')}</button></div>
    </form>
    <${ShownOnce} label=${t('actions.signingKey')} value=${key} testId="signing-key" warning=${t('actions.keyOnce')} />
    ${action.feedback}
  <//>`;
}

/** @param {any} c a zitadel.action.v2beta.Condition: what an execution reacts to */
function conditionText(c) {
  const [kind, value] = Object.entries(c ?? {})[0] ?? ['', {}];
  const [what, detail] = Object.entries(value ?? {})[0] ?? ['', ''];
  return `${kind} ${what === 'all' ? t('actions.all') : String(detail)}`.trim();
}

export function ActionsScreen() {
  const { session } = useSession();
  const readable = can(session, 'action.target.read');
  const targets = useLoad(() => call(`${ACTIONS}/ListTargets`, { pagination: listQuery(0, 100) }), [], readable);
  const executions = useLoad(
    () => call(`${ACTIONS}/ListExecutions`, { pagination: listQuery(0, 100) }),
    [],
    can(session, 'action.execution.read'),
  );
  const action = useAction();
  if (!readable) return html`<${Forbidden} />`;
  const list = targets.data?.targets ?? [];
  const names = new Map(list.map((/** @type {any} */ x) => [x.id, x.name]));
  const runs = executions.data?.executions ?? [];
  /** @param {any} x a target */
  const remove = (x) =>
    action.run(async () => {
      await call(`${ACTIONS}/DeleteTarget`, { id: x.id });
      targets.reload();
    }, t('actions.deleted', { name: x.name }));
  return html`<div>
    <h1>${t('actions.title')}</h1>
    ${can(session, 'action.target.write') ? html`<${CreateTarget} onCreated=${targets.reload} />` : ''}
    <${Section} title=${t('actions.targets')}>
      <${LoadState} load=${targets} count=${list.length} />
      <${Table}
        head=${[t('common.name'), t('actions.endpoint'), t('actions.kind'), '']}
        rows=${list.map((/** @type {any} */ x) => [
          x.name,
          x.endpoint,
          t(`actions.kind.${KINDS.find((k) => k in x) ?? KINDS[0]}`),
          can(session, 'action.target.delete')
            ? html`<${ConfirmButton} label=${t('actions.delete')} question=${t('actions.deleteConfirm', { name: x.name })} onConfirm=${() => remove(x)} />`
            : '',
        ])} />
      ${action.feedback}
    <//>
    ${can(session, 'action.execution.read')
      ? html`<${Section} title=${t('actions.executions')}>
          <${LoadState} load=${executions} count=${runs.length} />
          <${Table}
            head=${[t('actions.condition'), t('actions.targets')]}
            rows=${runs.map((/** @type {any} */ e) => [
              conditionText(e.condition),
              (e.targets ?? []).map((/** @type {string} */ id) => names.get(id) ?? id).join(', '),
            ])} />
        <//>`
      : ''}
  </div>`;
}
