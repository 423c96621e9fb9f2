// One application of a project: its configuration, ZITADEL's compliance report, the URLs it
// needs, a new client secret (shown once) for apps that authenticate with one, and the keys of
// apps that sign a JWT with a private key.
import { useState } from 'preact/hooks';
import { call } from '../api.js';
import { html } from '../html.js';
import { t } from '../i18n.js';
import { href } from '../router.js';
import { can, useSession } from '../session.js';
import { ConfirmButton, ErrorNotice, Forbidden, Loading, Section, lazy, stateText, useAction, useLoad } from '../ui.js';
import { AppKeys, WITH_KEYS } from './app-keys.js';
import { AppUrls, Compliance, SecretOnce } from './app-wizard.js';

const SamlConfig = lazy(() => import('./saml-app.js'), 'SamlConfig');

/** Auth methods that prove the client with a secret (OIDC and API apps). */
const WITH_SECRET = ['OIDC_AUTH_METHOD_TYPE_BASIC', 'OIDC_AUTH_METHOD_TYPE_POST', 'API_AUTH_METHOD_TYPE_BASIC'];

/** @param {{ projectId: string, appId: string }} props */
export function AppScreen({ projectId, appId }) {
  const { session } = useSession();
  const allowed = can(session, 'project.app.read');
  const loaded = useLoad(() => call('zitadel.app.v2beta.AppService/GetApplication', { id: appId }), [appId], allowed);
  const action = useAction();
  const [secret, setSecret] = useState('');
  if (!allowed) return html`<${Forbidden} />`;
  if (loaded.error) return html`<${ErrorNotice} error=${loaded.error} />`;
  // Loaded again after a change: the page stays (with its message) until the new state is there.
  if (!loaded.data) return html`<${Loading} />`;
  const app = loaded.data.app;
  const oidc = app.oidcConfig;
  const api = app.apiConfig;
  const saml = app.samlConfig;
  // JSON leaves out an enum's first value: basic auth, for both kinds.
  const method = oidc
    ? (oidc.authMethodType ?? 'OIDC_AUTH_METHOD_TYPE_BASIC')
    : api
      ? (api.authMethodType ?? 'API_AUTH_METHOD_TYPE_BASIC')
      : undefined;
  const regenerate = () =>
    action.run(async () => {
      const answer = await call('zitadel.app.v2beta.AppService/RegenerateClientSecret', {
        projectId,
        applicationId: appId,
        ...(oidc ? { isOidc: true } : { isApi: true }),
      });
      setSecret(answer.clientSecret);
    });
  return html`<div>
    <p><a href=${href('projects', projectId)}>← ${t('common.back')}</a></p>
    <h1>${app.name}</h1>
    <${Section} title=${app.name}>
      <dl class="facts">
        <dt>${t('common.state')}</dt><dd>${stateText(app.state)}</dd>
        ${saml ? '' : html`<dt>${t('apps.clientId')}</dt><dd><code data-testid="client-id">${oidc?.clientId ?? api?.clientId ?? ''}</code></dd>`}
        ${method ? html`<dt>${t('apps.auth')}</dt><dd><code>${method}</code></dd>` : ''}
        ${oidc ? html`<dt>${t('apps.redirectUris')}</dt><dd>${(oidc.redirectUris ?? []).map((u) => html`<code class="line">${u}</code>`)}</dd>` : ''}
        ${secret ? html`<${SecretOnce} secret=${secret} />` : ''}
      </dl>
      ${
        can(session, 'project.app.write') && WITH_SECRET.includes(method)
          ? html`<div class="actions">
            <${ConfirmButton} label=${t('apps.regenerate')} question=${t('apps.regenerateConfirm')} onConfirm=${regenerate} />
          </div>`
          : ''
      }
      ${action.feedback}
    <//>
    ${WITH_KEYS.includes(method) ? html`<${AppKeys} projectId=${projectId} appId=${appId} writable=${can(session, 'project.app.write')} />` : ''}
    ${oidc ? html`<${Compliance} problems=${oidc.complianceProblems ?? []} /><${AppUrls} />` : ''}
    ${
      saml
        ? html`<${SamlConfig} projectId=${projectId} appId=${appId} config=${saml} writable=${can(session, 'project.app.write')} onSaved=${loaded.reload} />`
        : ''
    }
  </div>`;
}
