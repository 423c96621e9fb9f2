// Actions of the instance (zitadel.action.v2beta): targets (list, create with the signing key
// shown once, change, delete after a confirmation) and the executions that call them.
import { useState } from 'preact/hooks';
import { call, listQuery } from '../api.js';
import { html } from '../html.js';
import { t } from '../i18n.js';
import { can, useSession } from '../session.js';
import { Executions } from './executions.js';
import {
  Check,
  ConfirmButton,
  Field,
  Forbidden,
  LoadState,
  Section,
  Select,
  ShownOnce,
  Table,
  useAction,
  useLoad,
} from '../ui.js';

const ACTIONS = 'zitadel.action.v2beta.ActionService';

/** The kinds of target, as CreateTarget names them. */
const KINDS = ['restWebhook', 'restCall', 'restAsync'];

/** @param {any} x a target @returns {string} its kind, as the API names the field */
const kindOf = (x) => KINDS.find((k) => k in x) ?? KINDS[0];

/**
 * A target's form: empty to create one (its signing key shown once), or filled with a target to
 * change it (UpdateTarget; the signing key stays).
 * @param {{ target?: any, onSaved: () => void, onCancel?: () => void }} props
 */
function TargetForm({ target, onSaved, onCancel }) {
  const empty = target
    ? {
        name: target.name,
        endpoint: target.endpoint,
        kind: kindOf(target),
        timeout: String(Number.parseFloat(target.timeout ?? '10')),
      }
    : { name: '', endpoint: '', kind: KINDS[0], timeout: '10' };
  const [form, setForm] = useState(empty);
  const [interrupt, setInterrupt] = useState(Boolean(target?.[empty.kind]?.interruptOnError));
  const [key, setKey] = useState('');
  const action = useAction();
  /** @param {keyof typeof empty} k */
  const field = (k) => (/** @type {string} */ v) => setForm({ ...form, [k]: v });
  const save = async () => {
    const answer = await call(`${ACTIONS}/${target ? 'UpdateTarget' : 'CreateTarget'}`, {
      ...(target ? { id: target.id } : {}),
      name: form.name,
      endpoint: form.endpoint,
      timeout: `${Number(form.timeout)}s`,
      // An async target's answer is not awaited, so it cannot interrupt.
      [form.kind]: form.kind === 'restAsync' ? {} : { interruptOnError: interrupt },
    });
    if (!target) {
      setKey(answer.signingKey ?? '');
      setForm(empty);
    }
    onSaved();
  };
  const title = target ? t('actions.editTarget', { name: target.name }) : t('actions.createTarget');
  return html`<${Section} title=${title}>
    <form onSubmit=${action.submit(save, target ? t('actions.saved') : t('common.created'))} class="grid">
      <${Field} label=${t('common.name')} value=${form.name} onInput=${field('name')} required />
      <${Field} label=${t('actions.endpoint')} type="url" value=${form.endpoint} onInput=${field('endpoint')} required />
      <${Select} label=${t('actions.kind')} value=${form.kind} onChange=${field('kind')}
        options=${KINDS.map((k) => ({ value: k, label: t(`actions.kind.${k}`) }))} />
      <${Field} label=${t('actions.timeout')} type="number" value=${form.timeout} onInput=${field('timeout')} required />
      ${form.kind === 'restAsync' ? '' : html`<${Check} label=${t('actions.interrupt')} checked=${interrupt} onChange=${setInterrupt} />`}
      <div class="actions">
        <button type="submit" class="primary">${target ? t('actions.save') : t('actions.createTarget')}</button>
        ${onCancel ? html`<button type="button" onClick=${onCancel}>${t('common.cancel')}</button>` : ''}
      </div>
    </form>
    <${ShownOnce} label=${t('actions.signingKey')} value=${key} testId="signing-key" warning=${t('actions.keyOnce')} />
    ${action.feedback}
  <//>`;
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
  const [editing, setEditing] = useState(/** @type {any} */ (undefined));
  const [rotated, setRotated] = useState({ name: '', key: '' });
  if (!readable) return html`<${Forbidden} />`;
  const list = targets.data?.targets ?? [];
  const writable = can(session, 'action.target.write');
  const saved = () => {
    setEditing(undefined);
    targets.reload();
  };
  /** @param {any} x a target */
  const remove = (x) =>
    action.run(
      async () => {
        await call(`${ACTIONS}/DeleteTarget`, { id: x.id });
        targets.reload();
      },
      t('actions.deleted', { name: x.name }),
    );
  /**
   * A new signing key, the old one retired at once: UpdateTarget with expirationSigningKey (ZITADEL
   * takes only 0s for now) answers the new key, shown this once.
   * @param {any} x a target
   */
  const rotate = (x) =>
    action.run(
      async () => {
        setRotated({ name: '', key: '' });
        const answer = await call(`${ACTIONS}/UpdateTarget`, { id: x.id, expirationSigningKey: '0s' });
        setRotated({ name: x.name, key: answer.signingKey ?? '' });
      },
      t('actions.rotated', { name: x.name }),
    );
  return html`<div>
    <h1>${t('actions.title')}</h1>
    ${
      writable
        ? editing
          ? html`<${TargetForm} key=${editing.id} target=${editing} onSaved=${saved} onCancel=${() => setEditing(undefined)} />`
          : html`<${TargetForm} onSaved=${targets.reload} />`
        : ''
    }
    <${Section} title=${t('actions.targets')}>
      <${LoadState} load=${targets} count=${list.length} />
      <${Table}
        head=${[t('common.name'), t('actions.endpoint'), t('actions.kind'), '']}
        rows=${list.map((/** @type {any} */ x) => [
          x.name,
          x.endpoint,
          t(`actions.kind.${kindOf(x)}`),
          html`<span class="actions">
            ${writable ? html`<button type="button" onClick=${() => setEditing(x)}>${t('actions.edit')}</button>` : ''}
            ${
              writable
                ? html`<${ConfirmButton} label=${t('actions.rotate')} question=${t('actions.rotateConfirm', { name: x.name })}
                  onConfirm=${() => rotate(x)} danger=${false} />`
                : ''
            }
            ${
              can(session, 'action.target.delete')
                ? html`<${ConfirmButton} label=${t('actions.delete')} question=${t('actions.deleteConfirm', { name: x.name })} onConfirm=${() => remove(x)} />`
                : ''
            }
          </span>`,
        ])} />
      ${action.feedback}
      <${ShownOnce} label=${t('actions.newSigningKey', { name: rotated.name })} value=${rotated.key} testId="rotated-signing-key" warning=${t('actions.keyOnce')} />
    <//>
    ${can(session, 'action.execution.read') ? html`<${Executions} targets=${list} executions=${executions} />` : ''}
  </div>`;
}
