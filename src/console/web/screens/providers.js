// The instance's email and SMS providers (admin v1): listed with their state, added (SMTP or
// HTTP email, Twilio or HTTP SMS), changed, activated (one per channel delivers), deactivated,
// removed after a confirmation, and an SMTP provider tried with a test email. Passwords and tokens
// are typed into password fields and never shown back: the API does not return them.
import { useState } from 'preact/hooks';
import { call } from '../api.js';
import { html } from '../html.js';
import { t } from '../i18n.js';
import { can, useSession } from '../session.js';
import {
  Check,
  ConfirmButton,
  Field,
  Forbidden,
  LoadState,
  Section,
  Select,
  Table,
  stateText,
  useAction,
  useLoad,
} from '../ui.js';
import { settingsOf } from './provider-rules.js';

const ADMIN = 'zitadel.admin.v1.AdminService';

/**
 * A kind of provider: its add and update methods, the key of its settings in a listed provider,
 * each field's request key, label and input type ('bool' for a checkbox), and how its secret is
 * replaced later: alone (`method` takes the id and the secret) or with the stored settings.
 * @typedef {{ title: string, method: string, update: string, config: string, fields: [string, string, string][],
 *   secret?: { key: string, label: string, method: string, withSettings: boolean } }} AddForm
 */

/** Each channel: its methods, what identifies a provider in the list, and the kinds that can be added. */
const CHANNELS = [
  {
    title: 'providers.email',
    stem: 'EmailProvider',
    active: 'EMAIL_PROVIDER_ACTIVE',
    /** @param {any} p */
    kind: (p) => (p.smtp ? 'SMTP' : 'HTTP'),
    /** @param {any} p */
    target: (p) => (p.smtp ? `${p.smtp.host} (${p.smtp.senderAddress})` : (p.http?.endpoint ?? '')),
    /** @type {AddForm[]} */
    forms: [
      {
        title: 'providers.addSmtp',
        method: 'AddEmailProviderSMTP',
        update: 'UpdateEmailProviderSMTP',
        config: 'smtp',
        fields: [
          ['description', 'providers.description', 'text'],
          ['host', 'providers.host', 'text'],
          ['user', 'providers.user', 'text'],
          ['password', 'providers.password', 'password'],
          ['senderAddress', 'providers.senderAddress', 'email'],
          ['senderName', 'providers.senderName', 'text'],
          ['replyToAddress', 'providers.replyTo', 'email'],
          ['tls', 'providers.tls', 'bool'],
        ],
        // ZITADEL's UpdateEmailProviderSMTPPassword finds only the active provider; its own console
        // sends the new password with the update, which takes it whatever the provider's state.
        secret: {
          key: 'password',
          label: 'providers.newPassword',
          method: 'UpdateEmailProviderSMTP',
          withSettings: true,
        },
      },
      {
        title: 'providers.addEmailHttp',
        method: 'AddEmailProviderHTTP',
        update: 'UpdateEmailProviderHTTP',
        config: 'http',
        fields: [
          ['description', 'providers.description', 'text'],
          ['endpoint', 'providers.endpoint', 'url'],
        ],
      },
    ],
  },
  {
    title: 'providers.sms',
    stem: 'SMSProvider',
    active: 'SMS_PROVIDER_CONFIG_ACTIVE',
    /** @param {any} p */
    kind: (p) => (p.twilio ? 'Twilio' : 'HTTP'),
    /** @param {any} p */
    target: (p) => (p.twilio ? `${p.twilio.sid} (${p.twilio.senderNumber})` : (p.http?.endpoint ?? '')),
    /** @type {AddForm[]} */
    forms: [
      {
        title: 'providers.addTwilio',
        method: 'AddSMSProviderTwilio',
        update: 'UpdateSMSProviderTwilio',
        config: 'twilio',
        fields: [
          ['description', 'providers.description', 'text'],
          ['sid', 'providers.sid', 'text'],
          ['token', 'providers.token', 'password'],
          ['senderNumber', 'providers.senderNumber', 'tel'],
          ['verifyServiceSid', 'providers.verifyServiceSid', 'text'],
        ],
        secret: {
          key: 'token',
          label: 'providers.newToken',
          method: 'UpdateSMSProviderTwilioToken',
          withSettings: false,
        },
      },
      {
        title: 'providers.addSmsHttp',
        method: 'AddSMSProviderHTTP',
        update: 'UpdateSMSProviderHTTP',
        config: 'http',
        fields: [
          ['description', 'providers.description', 'text'],
          ['endpoint', 'providers.endpoint', 'url'],
        ],
      },
    ],
  },
];

/** Fields every add form needs filled (ZITADEL refuses them empty). */
const REQUIRED = ['host', 'senderAddress', 'endpoint', 'sid', 'token', 'senderNumber'];

export function ProvidersScreen() {
  const { session } = useSession();
  if (!can(session, 'iam.read')) return html`<${Forbidden} />`;
  return html`<div>
    <h1>${t('providers.title')}</h1>
    ${CHANNELS.map((channel) => html`<${Channel} channel=${channel} writable=${can(session, 'iam.write')} />`)}
  </div>`;
}

/** @param {{ channel: typeof CHANNELS[number], writable: boolean }} props */
function Channel({ channel, writable }) {
  const list = useLoad(() => call(`${ADMIN}/List${channel.stem}s`), [channel.stem]);
  const action = useAction();
  const [editing, setEditing] = useState('');
  /** @type {any[]} */
  const providers = list.data?.result ?? [];
  const edited = providers.find((p) => p.id === editing);
  /** @param {any} p */
  const formOf = (p) => channel.forms.find((f) => p[f.config]);
  /** @param {string} verb @param {any} p @param {string} message */
  const change = (verb, p, message) =>
    action.run(
      async () => {
        await call(`${ADMIN}/${verb}${channel.stem}`, { id: p.id });
        list.reload();
      },
      t(message, { name: p.description || p.id }),
    );
  return html`<${Section} title=${t(channel.title)}>
      <${LoadState} load=${list} count=${providers.length} />
      <${Table}
        head=${[t('providers.description'), t('apps.kind'), t('providers.target'), t('common.state'), '']}
        rows=${providers.map((p) => [
          p.description || p.id,
          channel.kind(p),
          html`<code>${channel.target(p)}</code>`,
          stateText(p.state),
          writable
            ? html`<div class="actions">
                <button type="button" onClick=${() => setEditing(p.id)}>${t('providers.edit')}</button>
                ${
                  p.state === channel.active
                    ? html`<button type="button" onClick=${() => change('Deactivate', p, 'providers.deactivated')}>${t('providers.deactivate')}</button>`
                    : html`<button type="button" onClick=${() => change('Activate', p, 'providers.activated')}>${t('providers.activate')}</button>`
                }
                <${ConfirmButton} label=${t('providers.remove')} question=${t('providers.removeConfirm', { name: p.description || p.id })}
                  onConfirm=${() => change('Remove', p, 'providers.removed')} />
              </div>`
            : '',
        ])} />
      ${action.feedback}
      ${
        writable && channel.stem === 'EmailProvider' && providers.some((p) => p.smtp)
          ? html`<${TestEmail} providers=${providers.filter((p) => p.smtp)} />`
          : ''
      }
    <//>
    ${
      writable && edited && formOf(edited)
        ? html`<${EditProvider} key=${edited.id} form=${formOf(edited)} provider=${edited}
          onSaved=${list.reload} onClose=${() => setEditing('')} />`
        : ''
    }
    ${writable ? channel.forms.map((form) => html`<${AddProvider} form=${form} onAdded=${list.reload} />`) : ''}`;
}

/** @param {{ form: AddForm, onAdded: () => void }} props */
function AddProvider({ form, onAdded }) {
  const empty = Object.fromEntries(form.fields.map(([key, , type]) => [key, type === 'bool' ? false : '']));
  const [values, setValues] = useState(/** @type {Record<string, string | boolean>} */ (empty));
  const action = useAction();
  const add = async () => {
    await call(`${ADMIN}/${form.method}`, values);
    setValues(empty);
    onAdded();
  };
  /** @param {string} key */
  const set = (key) => (/** @type {string | boolean} */ v) => setValues({ ...values, [key]: v });
  return html`<${Section} title=${t(form.title)}>
    <form class="grid" onSubmit=${action.submit(add, t('providers.added'))}>
      ${form.fields.map(([key, label, type]) =>
        type === 'bool'
          ? html`<${Check} label=${t(label)} checked=${values[key] === true} onChange=${set(key)} />`
          : html`<${Field} label=${t(label)} type=${type} value=${String(values[key])} onInput=${set(key)}
              required=${REQUIRED.includes(key)} autocomplete=${type === 'password' ? 'new-password' : 'off'} />`,
      )}
      <div><button type="submit" class="primary">${t('providers.add')}</button></div>
    </form>
    ${action.feedback}
  <//>`;
}

/**
 * A provider's settings changed (its kind's Update… method), and its password or token replaced in
 * a form of its own, so the stored one is never shown nor sent back unasked.
 * @param {{ form: AddForm, provider: any, onSaved: () => void, onClose: () => void }} props
 */
function EditProvider({ form, provider, onSaved, onClose }) {
  const [values, setValues] = useState(() => settingsOf(form, provider));
  const [secret, setSecret] = useState('');
  const action = useAction();
  const save = async () => {
    await call(`${ADMIN}/${form.update}`, { id: provider.id, ...values });
    onSaved();
  };
  const replace = async () => {
    const spec = /** @type {NonNullable<AddForm['secret']>} */ (form.secret);
    const settings = spec.withSettings ? settingsOf(form, provider) : {};
    await call(`${ADMIN}/${spec.method}`, { ...settings, id: provider.id, [spec.key]: secret });
    setSecret('');
    onSaved();
  };
  /** @param {string} key */
  const set = (key) => (/** @type {string | boolean} */ v) => setValues({ ...values, [key]: v });
  const name = provider.description || provider.id;
  return html`<${Section} title=${t('providers.editTitle', { name })}>
    <form class="grid" onSubmit=${action.submit(save, t('providers.saved', { name }))}>
      ${form.fields
        .filter(([key]) => key !== form.secret?.key)
        .map(([key, label, type]) =>
          type === 'bool'
            ? html`<${Check} label=${t(label)} checked=${values[key] === true} onChange=${set(key)} />`
            : html`<${Field} label=${t(label)} type=${type} value=${String(values[key])} onInput=${set(key)} required=${REQUIRED.includes(key)} />`,
        )}
      <div class="actions">
        <button type="submit" class="primary">${t('providers.save')}</button>
        <button type="button" onClick=${onClose}>${t('providers.close')}</button>
      </div>
    </form>
    ${
      form.secret
        ? html`<form class="grid" onSubmit=${action.submit(replace, t('providers.secretReplaced', { name }))}>
          <${Field} label=${t(form.secret.label)} type="password" value=${secret} onInput=${setSecret} required autocomplete="new-password" />
          <div><button type="submit">${t('providers.replaceSecret')}</button></div>
        </form>`
        : ''
    }
    ${action.feedback}
  <//>`;
}

/**
 * A test email through one SMTP provider (TestEmailProviderSMTPById: its stored settings and password).
 * @param {{ providers: any[] }} props
 */
function TestEmail({ providers }) {
  const [id, setId] = useState('');
  const [to, setTo] = useState('');
  const action = useAction();
  const chosen = id || providers[0].id;
  const send = () => call(`${ADMIN}/TestEmailProviderSMTPById`, { id: chosen, receiverAddress: to });
  return html`<form class="grid" onSubmit=${action.submit(send, () => t('providers.testSent', { to }))}>
      ${
        providers.length > 1
          ? html`<${Select} label=${t('providers.testWith')} value=${chosen} onChange=${setId}
            options=${providers.map((p) => ({ value: p.id, label: p.description || p.smtp.host }))} />`
          : ''
      }
      <${Field} label=${t('providers.testTo')} type="email" value=${to} onInput=${setTo} required />
      <div><button type="submit">${t('providers.sendTest')}</button></div>
    </form>
    ${action.feedback}`;
}
