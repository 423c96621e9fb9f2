// The signed-in user registers a passkey for their own account: the server's creation options
// (user v2 RegisterPasskey, for this page's host as relying party), the browser's authenticator
// (WebAuthn navigator.credentials.create), and the new credential back to the server
// (VerifyPasskeyRegistration). WebAuthn carries bytes as base64url in JSON (WebAuthn L3 §5.1.8).
import { useState } from 'preact/hooks';
import { call } from '../api.js';
import { html } from '../html.js';
import { t } from '../i18n.js';
import { Field, Section, useAction } from '../ui.js';

const USERS = 'zitadel.user.v2.UserService';

/** @param {string} text base64url @returns {ArrayBuffer} */
function fromBase64url(text) {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  return Uint8Array.from(atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4)), (c) => c.charCodeAt(0)).buffer;
}

/** @param {ArrayBuffer} buffer @returns {string} base64url without padding */
function toBase64url(buffer) {
  return btoa(String.fromCharCode(...new Uint8Array(buffer)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

/**
 * The options as the browser takes them: the challenge, the user's handle and the ids of the
 * credentials to exclude as bytes.
 * @param {any} options the server's publicKeyCredentialCreationOptions
 */
function creationOptions(options) {
  const pk = options.publicKey ?? options;
  return {
    ...pk,
    challenge: fromBase64url(pk.challenge),
    user: { ...pk.user, id: fromBase64url(pk.user.id) },
    excludeCredentials: (pk.excludeCredentials ?? []).map((/** @type {any} */ c) => ({
      ...c,
      id: fromBase64url(c.id),
    })),
  };
}

/** @param {PublicKeyCredential} credential the authenticator's new credential, as JSON for the server */
function credentialJson(credential) {
  const response = /** @type {AuthenticatorAttestationResponse} */ (credential.response);
  return {
    id: credential.id,
    rawId: toBase64url(credential.rawId),
    type: credential.type,
    response: {
      clientDataJSON: toBase64url(response.clientDataJSON),
      attestationObject: toBase64url(response.attestationObject),
      transports: response.getTransports?.() ?? [],
    },
    clientExtensionResults: credential.getClientExtensionResults(),
    authenticatorAttachment: credential.authenticatorAttachment ?? undefined,
  };
}

/** @param {{ userId: string, onRegistered: () => void }} props */
export function RegisterPasskey({ userId, onRegistered }) {
  const [name, setName] = useState('');
  const action = useAction();
  const register = async () => {
    if (!window.PublicKeyCredential || !navigator.credentials) throw new Error(t('passkey.unsupported'));
    const started = await call(`${USERS}/RegisterPasskey`, { userId, domain: location.hostname });
    const credential = /** @type {PublicKeyCredential | null} */ (
      await navigator.credentials
        .create({ publicKey: creationOptions(started.publicKeyCredentialCreationOptions) })
        .catch(() => null)
    );
    if (!credential) throw new Error(t('passkey.cancelled'));
    await call(`${USERS}/VerifyPasskeyRegistration`, {
      userId,
      passkeyId: started.passkeyId,
      publicKeyCredential: credentialJson(credential),
      passkeyName: name,
    });
    setName('');
    onRegistered();
  };
  return html`<${Section} title=${t('passkey.title')}>
    <p>${t('passkey.intro')}</p>
    <form onSubmit=${action.submit(register, () => t('passkey.registered'))} class="grid">
      <${Field} label=${t('passkey.name')} value=${name} onInput=${setName} required />
      <div><button type="submit" class="primary">${t('passkey.register')}</button></div>
    </form>
    ${action.feedback}
  <//>`;
}

/**
 * Another user registers their passkey themselves: CreatePasskeyRegistrationLink mails them a link
 * to the hosted login's passkey page (ZITADEL's passwordless registration message).
 * @param {{ userId: string, email: string }} props
 */
export function SendPasskeyLink({ userId, email }) {
  const action = useAction();
  const send = () =>
    action.run(
      () => call(`${USERS}/CreatePasskeyRegistrationLink`, { userId, sendLink: {} }),
      t('passkey.linkSent', { email }),
    );
  return html`<${Section} title=${t('passkey.linkTitle')}>
    <p>${t('passkey.linkIntro')}</p>
    <div class="actions"><button type="button" onClick=${send}>${t('passkey.sendLink')}</button></div>
    ${action.feedback}
  <//>`;
}
