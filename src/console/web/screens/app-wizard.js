// The OIDC application wizard: (1) name and kind of app, (2) how it authenticates, (3) its
// redirect URIs; then the client id, the secret shown this once, ZITADEL's compliance warnings
// and the URLs the app is configured with.
import { useState } from 'preact/hooks';
import { call } from '../api.js';
import { html } from '../html.js';
import { t } from '../i18n.js';
import { href } from '../router.js';
import { can, useSession } from '../session.js';
import { Check, Field, Forbidden, Section, Success, useAction, useLoad } from '../ui.js';

/** The auth methods each kind of app may use, the first one proposed (ZITADEL's console offers the same). */
const METHODS = {
  OIDC_APP_TYPE_WEB: [
    'OIDC_AUTH_METHOD_TYPE_NONE',
    'OIDC_AUTH_METHOD_TYPE_BASIC',
    'OIDC_AUTH_METHOD_TYPE_POST',
    'OIDC_AUTH_METHOD_TYPE_PRIVATE_KEY_JWT',
  ],
  OIDC_APP_TYPE_USER_AGENT: ['OIDC_AUTH_METHOD_TYPE_NONE'],
  OIDC_APP_TYPE_NATIVE: ['OIDC_AUTH_METHOD_TYPE_NONE'],
};
/** @type {Record<string, string>} */
const TYPE_LABELS = {
  OIDC_APP_TYPE_WEB: 'apps.type.web',
  OIDC_APP_TYPE_USER_AGENT: 'apps.type.userAgent',
  OIDC_APP_TYPE_NATIVE: 'apps.type.native',
};
/** @type {Record<string, string>} */
const METHOD_LABELS = {
  OIDC_AUTH_METHOD_TYPE_NONE: 'apps.auth.pkce',
  OIDC_AUTH_METHOD_TYPE_BASIC: 'apps.auth.code',
  OIDC_AUTH_METHOD_TYPE_POST: 'apps.auth.post',
  OIDC_AUTH_METHOD_TYPE_PRIVATE_KEY_JWT: 'apps.auth.jwt',
};

/** @param {string} text one URI a line */
const lines = (text) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

/** @param {{ legend: string, name: string, value: string, options: string[], labels: Record<string, string>, onChange: (v: string) => void }} props */
export function Choice({ legend, name, value, options, labels, onChange }) {
  return html`<fieldset>
    <legend>${legend}</legend>
    ${options.map(
      (o) => html`<div class="check">
        <input type="radio" id=${`${name}-${o}`} name=${name} value=${o} checked=${value === o} onChange=${() => onChange(o)} />
        <label for=${`${name}-${o}`}>${t(labels[o])}</label>
      </div>`,
    )}
  </fieldset>`;
}

/** @param {{ projectId: string }} props */
export function AppWizardScreen({ projectId }) {
  const { session } = useSession();
  const [step, setStep] = useState(1);
  const [name, setName] = useState('');
  const [appType, setAppType] = useState('OIDC_APP_TYPE_WEB');
  const [method, setMethod] = useState('OIDC_AUTH_METHOD_TYPE_NONE');
  const [redirects, setRedirects] = useState('');
  const [postLogout, setPostLogout] = useState('');
  const [devMode, setDevMode] = useState(false);
  const action = useAction();
  const [created, setCreated] = useState(/** @type {any} */ (undefined));
  if (!can(session, 'project.app.write')) return html`<${Forbidden} />`;
  if (created) return html`<${Created} projectId=${projectId} name=${name} created=${created} />`;

  const chooseType = (/** @type {string} */ type) => {
    setAppType(type);
    setMethod(METHODS[/** @type {keyof typeof METHODS} */ (type)][0]);
  };
  const next = (/** @type {Event} */ e) => {
    e.preventDefault();
    setStep(step + 1);
  };
  const create = async () => {
    const answer = await call('zitadel.app.v2beta.AppService/CreateApplication', {
      projectId,
      name,
      oidcRequest: {
        redirectUris: lines(redirects),
        postLogoutRedirectUris: lines(postLogout),
        responseTypes: ['OIDC_RESPONSE_TYPE_CODE'],
        grantTypes: ['OIDC_GRANT_TYPE_AUTHORIZATION_CODE'],
        appType,
        authMethodType: method,
        devMode,
      },
    });
    setCreated(answer);
  };
  return html`<div>
    <p><a href=${href('projects', projectId)}>← ${t('common.back')}</a></p>
    <h1>${t('apps.wizard')}</h1>
    <${Section} title=${t('apps.step', { n: step })}>
      ${
        step === 1
          ? html`<form onSubmit=${next}>
            <${Field} label=${t('apps.name')} value=${name} onInput=${setName} required />
            <${Choice} legend=${t('apps.type')} name="app-type" value=${appType} options=${Object.keys(METHODS)} labels=${TYPE_LABELS} onChange=${chooseType} />
            <div class="actions"><button type="submit" class="primary">${t('common.continue')}</button></div>
          </form>`
          : step === 2
            ? html`<form onSubmit=${next}>
              <${Choice} legend=${t('apps.auth')} name="auth-method" value=${method}
                options=${METHODS[/** @type {keyof typeof METHODS} */ (appType)]} labels=${METHOD_LABELS} onChange=${setMethod} />
              <div class="actions">
                <button type="button" onClick=${() => setStep(1)}>${t('common.back')}</button>
                <button type="submit" class="primary">${t('common.continue')}</button>
              </div>
            </form>`
            : html`<form onSubmit=${action.submit(create)}>
              <${Field} label=${t('apps.redirects')} value=${redirects} onInput=${setRedirects} multiline />
              <${Field} label=${t('apps.postLogout')} value=${postLogout} onInput=${setPostLogout} multiline />
              <${Check} label=${t('apps.devMode')} checked=${devMode} onChange=${setDevMode} />
              <div class="actions">
                <button type="button" onClick=${() => setStep(2)}>${t('common.back')}</button>
                <button type="submit" class="primary">${t('apps.create')}</button>
              </div>
            </form>`
      }
      ${action.feedback}
    <//>
  </div>`;
}

/** @param {{ projectId: string, name: string, created: any }} props */
function Created({ projectId, name, created }) {
  const oidc = created.oidcResponse ?? {};
  return html`<div>
    <h1>${name}</h1>
    <${Success} text=${t('apps.created', { name })} />
    <${Section} title=${name}>
      <dl class="facts">
        <dt>${t('apps.clientId')}</dt><dd><code data-testid="client-id">${oidc.clientId}</code></dd>
        ${oidc.clientSecret ? html`<${SecretOnce} secret=${oidc.clientSecret} />` : ''}
      </dl>
    <//>
    <${Compliance} problems=${oidc.complianceProblems ?? []} />
    <${AppUrls} />
    <p><a class="button primary" href=${href('projects', projectId)}>${t('apps.done')}</a></p>
  </div>`;
}

/** A client secret, with the warning that it is not shown again. @param {{ secret: string }} props */
export const SecretOnce = ({ secret }) =>
  html`<dt>${t('apps.clientSecret')}</dt><dd><code data-testid="client-secret">${secret}</code>
    <p class="notice warning" role="note">${t('apps.secretOnce')}</p></dd>`;

/** ZITADEL's OIDC compliance report of an app, when it has problems. @param {{ problems: any[] }} props */
export const Compliance = ({ problems }) =>
  problems.length > 0
    ? html`<${Section} title=${t('apps.compliance')}>
        <ul class="compliance">${problems.map((p) => html`<li><code>${p.key}</code> ${p.localizedMessage}</li>`)}</ul>
      <//>`
    : null;

/** The URLs an OIDC app is configured with, from the instance's discovery document. */
export function AppUrls() {
  const discovery = useLoad(async () => {
    const res = await fetch('/.well-known/openid-configuration');
    return res.ok ? res.json() : undefined;
  }, []);
  const d = discovery.data ?? {};
  const urls = [
    ['apps.issuer', d.issuer],
    ['apps.discovery', `${location.origin}/.well-known/openid-configuration`],
    ['apps.authorize', d.authorization_endpoint],
    ['apps.token', d.token_endpoint],
    ['apps.userinfo', d.userinfo_endpoint],
    ['apps.endSession', d.end_session_endpoint],
    ['apps.jwks', d.jwks_uri],
  ];
  return html`<${Section} title=${t('apps.urls')}>
    <dl class="facts">${urls.map(([label, url]) => (url ? html`<dt>${t(label)}</dt><dd><code>${url}</code></dd>` : ''))}</dl>
  <//>`;
}
