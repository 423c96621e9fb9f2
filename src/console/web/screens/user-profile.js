// A human user's own data on the user's page: the profile (names, language), the email and the
// phone with their verification state, and a password reset link sent by the server.
import { useState } from 'preact/hooks';
import { call } from '../api.js';
import { html } from '../html.js';
import { t } from '../i18n.js';
import { Check, Field, Section, Select, useAction } from '../ui.js';

const USERS = 'zitadel.user.v2.UserService';

/** The languages the console and the login pages speak. */
const LANGUAGES = [
  { value: 'en', label: 'English' },
  { value: 'de', label: 'Deutsch' },
];

/** @param {{ user: any, onSaved: () => void }} props a zitadel.user.v2.User with `human` */
export function UserProfile({ user, onSaved }) {
  const p = user.human.profile ?? {};
  const [form, setForm] = useState({
    givenName: p.givenName ?? '',
    familyName: p.familyName ?? '',
    displayName: p.displayName ?? '',
    preferredLanguage: p.preferredLanguage ?? '',
  });
  const action = useAction();
  /** @param {keyof typeof form} key */
  const field = (key) => (/** @type {string} */ v) => setForm({ ...form, [key]: v });
  // UpdateHumanUser replaces the profile as a whole: what is not sent (nick name, gender) is kept from the user.
  const save = async () => {
    await call(`${USERS}/UpdateHumanUser`, {
      userId: user.userId,
      profile: { nickName: p.nickName, gender: p.gender, ...form },
    });
    onSaved();
  };
  return html`<${Section} title=${t('users.profile')}>
    <form onSubmit=${action.submit(save, t('users.saved'))} class="grid">
      <${Field} label=${t('users.givenName')} value=${form.givenName} onInput=${field('givenName')} required />
      <${Field} label=${t('users.familyName')} value=${form.familyName} onInput=${field('familyName')} required />
      <${Field} label=${t('users.displayName')} value=${form.displayName} onInput=${field('displayName')} />
      <${Select} label=${t('users.language')} value=${form.preferredLanguage} onChange=${field('preferredLanguage')}
        options=${LANGUAGES} placeholder=${t('users.languageNone')} />
      <div><button type="submit" class="primary">${t('users.saveProfile')}</button></div>
    </form>
    ${action.feedback}
  <//>`;
}

/**
 * One way to reach the user (email or phone): its value and verification state, and a new value,
 * either marked verified or verified by the code the server sends.
 * @param {{ userId: string, kind: 'email' | 'phone', current: { value: string, verified: boolean } | undefined,
 *   onSaved: () => void }} props
 */
function Contact({ userId, kind, current, onSaved }) {
  const [value, setValue] = useState('');
  const [verified, setVerified] = useState(false);
  const action = useAction();
  const method = kind === 'email' ? 'SetEmail' : 'SetPhone';
  const save = async () => {
    await call(`${USERS}/${method}`, {
      userId,
      [kind]: value,
      ...(verified ? { isVerified: true } : { sendCode: {} }),
    });
    setValue('');
    setVerified(false);
    onSaved();
  };
  return html`<div>
    <p data-testid=${`user-${kind}`}>
      ${t(`users.${kind}`)}: ${current?.value || '—'}
      ${current?.value ? html` (${current.verified ? t('users.verified') : t('users.unverified')})` : ''}
    </p>
    <form onSubmit=${action.submit(save, t('users.saved'))} class="grid" aria-label=${t(`users.${kind}`)}>
      <${Field} label=${t(`users.new.${kind}`)} type=${kind === 'email' ? 'email' : 'tel'} value=${value} onInput=${setValue} required />
      <${Check} label=${t(`users.markVerified.${kind}`)} checked=${verified} onChange=${setVerified} />
      <div><button type="submit">${t(`users.change.${kind}`)}</button></div>
    </form>
    ${action.feedback}
  </div>`;
}

/** @param {{ user: any, onSaved: () => void }} props */
export function UserContact({ user, onSaved }) {
  const { email, phone } = user.human;
  const reset = useAction();
  // ZITADEL sends the link by email with the login's own reset page unless a template is given.
  const sendReset = () =>
    reset.run(
      () =>
        call(`${USERS}/PasswordReset`, {
          userId: user.userId,
          sendLink: { notificationType: 'NOTIFICATION_TYPE_Email' },
        }),
      t('users.resetSent'),
    );
  return html`<${Section} title=${t('users.contact')}>
    <${Contact} userId=${user.userId} kind="email" current=${email && { value: email.email, verified: !!email.isVerified }} onSaved=${onSaved} />
    <${Contact} userId=${user.userId} kind="phone" current=${phone && { value: phone.phone, verified: !!phone.isVerified }} onSaved=${onSaved} />
    <div class="actions"><button type="button" onClick=${sendReset}>${t('users.sendReset')}</button></div>
    ${reset.feedback}
  <//>`;
}
