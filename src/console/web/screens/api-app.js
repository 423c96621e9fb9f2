// A new API application (a resource server that introspects tokens): its name and how it
// authenticates; then its client id and, for basic auth, the secret shown this once.
import { useState } from 'preact/hooks';
import { call } from '../api.js';
import { html } from '../html.js';
import { t } from '../i18n.js';
import { href } from '../router.js';
import { can, useSession } from '../session.js';
import { Field, Forbidden, Section, Success, useAction } from '../ui.js';
import { Choice, SecretOnce } from './app-wizard.js';

/** @type {Record<string, string>} */
const METHOD_LABELS = {
  API_AUTH_METHOD_TYPE_BASIC: 'apps.auth.code',
  API_AUTH_METHOD_TYPE_PRIVATE_KEY_JWT: 'apps.auth.jwt',
};

/** @param {{ projectId: string }} props */
export function ApiAppScreen({ projectId }) {
  const { session } = useSession();
  const [name, setName] = useState('');
  const [method, setMethod] = useState('API_AUTH_METHOD_TYPE_BASIC');
  const [created, setCreated] = useState(/** @type {any} */ (undefined));
  const action = useAction();
  if (!can(session, 'project.app.write')) return html`<${Forbidden} />`;
  const create = async () => {
    const answer = await call('zitadel.app.v2beta.AppService/CreateApplication', {
      projectId,
      name,
      apiRequest: { authMethodType: method },
    });
    setCreated(answer.apiResponse ?? {});
  };
  return html`<div>
    <p><a href=${href('projects', projectId)}>← ${t('common.back')}</a></p>
    <h1>${created ? name : t('apps.newApi')}</h1>
    ${
      created
        ? html`<${Success} text=${t('apps.created', { name })} />
          <${Section} title=${name}>
            <dl class="facts">
              <dt>${t('apps.clientId')}</dt><dd><code data-testid="client-id">${created.clientId}</code></dd>
              ${created.clientSecret ? html`<${SecretOnce} secret=${created.clientSecret} />` : ''}
            </dl>
          <//>
          <p><a class="button primary" href=${href('projects', projectId)}>${t('apps.done')}</a></p>`
        : html`<${Section} title=${t('apps.newApi')}>
          <form onSubmit=${action.submit(create)}>
            <${Field} label=${t('apps.name')} value=${name} onInput=${setName} required />
            <${Choice} legend=${t('apps.auth')} name="api-auth" value=${method} options=${Object.keys(METHOD_LABELS)}
              labels=${METHOD_LABELS} onChange=${setMethod} />
            <div class="actions"><button type="submit" class="primary">${t('apps.create')}</button></div>
          </form>
          ${action.feedback}
        <//>`
    }
  </div>`;
}
