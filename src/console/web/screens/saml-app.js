// SAML applications: the wizard (a name and the service provider's metadata, pasted as XML or
// fetched by the server from a URL), an app's SAML configuration with its metadata replaced, and
// what the service provider is configured with: this instance's IdP metadata URL, entity id and
// SSO / SLO endpoints, read from the IdP metadata the server publishes.
import { useState } from 'preact/hooks';
import { bytesOfText, call, textOfBytes } from '../api.js';
import { html } from '../html.js';
import { t } from '../i18n.js';
import { href } from '../router.js';
import { can, useSession } from '../session.js';
import { Field, Forbidden, Section, Success, useAction, useLoad } from '../ui.js';
import { Choice } from './app-wizard.js';

const APPS = 'zitadel.app.v2beta.AppService';
const IDP_METADATA = '/saml/v2/metadata';

/** @type {Record<string, string>} */
const SOURCE_LABELS = { xml: 'saml.source.xml', url: 'saml.source.url' };

/**
 * The metadata part of a create or update request: the XML as bytes, or the URL the server fetches.
 * @param {{ source: string, xml: string, url: string }} form
 */
const metadataOf = (form) =>
  form.source === 'url' ? { metadataUrl: form.url.trim() } : { metadataXml: bytesOfText(form.xml) };

/**
 * The entity id and endpoints a SAML metadata document names (of an SP or of this IdP).
 * @param {string} xml
 * @param {string} endpoint the element listing the endpoints, e.g. AssertionConsumerService
 */
function describeMetadata(xml, endpoint) {
  const doc = new DOMParser().parseFromString(xml, 'application/xml');
  const root = doc.documentElement;
  if (!root || root.getElementsByTagName('parsererror').length > 0) return undefined;
  /** @param {string} name */
  const locations = (name) =>
    [...doc.getElementsByTagNameNS('*', name)].map((e) => ({
      binding: (e.getAttribute('Binding') ?? '').replace('urn:oasis:names:tc:SAML:2.0:bindings:', ''),
      url: e.getAttribute('Location') ?? '',
    }));
  return {
    entityId: root.getAttribute('entityID') ?? '',
    endpoints: locations(endpoint),
    logout: locations('SingleLogoutService'),
  };
}

/** @param {{ form: { source: string, xml: string, url: string }, onChange: (f: { source: string, xml: string, url: string }) => void }} props */
function MetadataSource({ form, onChange }) {
  return html`<${Choice} legend=${t('saml.source')} name="saml-source" value=${form.source} options=${Object.keys(SOURCE_LABELS)}
      labels=${SOURCE_LABELS} onChange=${(/** @type {string} */ source) => onChange({ ...form, source })} />
    ${
      form.source === 'url'
        ? html`<${Field} label=${t('saml.metadataUrl')} type="url" value=${form.url} required
          onInput=${(/** @type {string} */ url) => onChange({ ...form, url })} hint=${t('saml.metadataUrlHint')} />`
        : html`<${Field} label=${t('saml.metadataXml')} value=${form.xml} multiline required
          onInput=${(/** @type {string} */ xml) => onChange({ ...form, xml })} />`
    }`;
}

const EMPTY = { source: 'xml', xml: '', url: '' };

/** @param {{ projectId: string }} props */
export function SamlAppWizardScreen({ projectId }) {
  const { session } = useSession();
  const [name, setName] = useState('');
  const [form, setForm] = useState(EMPTY);
  const [created, setCreated] = useState(/** @type {any} */ (undefined));
  const action = useAction();
  if (!can(session, 'project.app.write')) return html`<${Forbidden} />`;
  const create = async () => {
    const answer = await call(`${APPS}/CreateApplication`, { projectId, name, samlRequest: metadataOf(form) });
    setCreated(answer);
  };
  if (created) {
    // ZITADEL's answer for a SAML app carries its id only (no compliance report, unlike OIDC's).
    return html`<div>
      <h1>${name}</h1>
      <${Success} text=${t('apps.created', { name })} />
      <${SpFacts} source=${form} />
      <${IdpUrls} />
      <p class="actions">
        <a class="button" href=${href('projects', projectId, 'apps', created.appId)}>${t('saml.openApp')}</a>
        <a class="button primary" href=${href('projects', projectId)}>${t('apps.done')}</a>
      </p>
    </div>`;
  }
  return html`<div>
    <p><a href=${href('projects', projectId)}>← ${t('common.back')}</a></p>
    <h1>${t('apps.newSaml')}</h1>
    <${Section} title=${t('apps.newSaml')}>
      <form onSubmit=${action.submit(create)}>
        <${Field} label=${t('apps.name')} value=${name} onInput=${setName} required />
        <${MetadataSource} form=${form} onChange=${setForm} />
        <div class="actions"><button type="submit" class="primary">${t('apps.create')}</button></div>
      </form>
      ${action.feedback}
    <//>
  </div>`;
}

/**
 * What the service provider's metadata says: its entity id and assertion consumer services (for
 * metadata given by URL, the URL; the server fetched it when saving).
 * @param {{ source: { source: string, xml: string, url: string } }} props
 */
function SpFacts({ source }) {
  const sp = source.source === 'xml' ? describeMetadata(source.xml, 'AssertionConsumerService') : undefined;
  return html`<${Section} title=${t('saml.sp')}>
    <dl class="facts">
      ${source.source === 'url' ? html`<dt>${t('saml.metadataUrl')}</dt><dd><code>${source.url}</code></dd>` : ''}
      ${
        sp
          ? html`<dt>${t('saml.spEntityId')}</dt><dd><code data-testid="sp-entity-id">${sp.entityId}</code></dd>
            <dt>${t('saml.acs')}</dt><dd>${sp.endpoints.map((e) => html`<code class="line">${e.url} (${e.binding})</code>`)}</dd>`
          : ''
      }
    </dl>
  <//>`;
}

/**
 * One SAML app's service provider configuration and its metadata replaced (UpdateApplication).
 * @param {{ projectId: string, appId: string, config: any, writable: boolean, onSaved: () => void }} props
 */
export function SamlConfig({ projectId, appId, config, writable, onSaved }) {
  const current = config.metadataUrl
    ? { source: 'url', xml: '', url: config.metadataUrl }
    : { source: 'xml', xml: config.metadataXml ? textOfBytes(config.metadataXml) : '', url: '' };
  const [form, setForm] = useState(current);
  const action = useAction();
  const save = async () => {
    await call(`${APPS}/UpdateApplication`, { projectId, id: appId, samlConfigurationRequest: metadataOf(form) });
    onSaved();
  };
  return html`<${SpFacts} source=${current} />
    ${
      writable
        ? html`<${Section} title=${t('saml.replace')}>
          <form onSubmit=${action.submit(save, t('saml.saved'))}>
            <${MetadataSource} form=${form} onChange=${setForm} />
            <div class="actions"><button type="submit" class="primary">${t('saml.save')}</button></div>
          </form>
          ${action.feedback}
        <//>`
        : ''
    }
    <${IdpUrls} />`;
}

/** What a service provider is configured with: this instance's IdP metadata and the endpoints it names. */
export function IdpUrls() {
  const metadata = useLoad(async () => {
    const res = await fetch(IDP_METADATA);
    return res.ok ? describeMetadata(await res.text(), 'SingleSignOnService') : undefined;
  }, []);
  const idp = metadata.data;
  return html`<${Section} title=${t('saml.idp')}>
    <dl class="facts">
      <dt>${t('saml.idpMetadata')}</dt><dd><code data-testid="idp-metadata">${location.origin}${IDP_METADATA}</code></dd>
      ${
        idp
          ? html`<dt>${t('saml.idpEntityId')}</dt><dd><code data-testid="idp-entity-id">${idp.entityId}</code></dd>
            <dt>${t('saml.sso')}</dt><dd>${idp.endpoints.map((e) => html`<code class="line" data-testid="idp-sso">${e.url} (${e.binding})</code>`)}</dd>
            <dt>${t('saml.slo')}</dt><dd>${idp.logout.map((e) => html`<code class="line">${e.url} (${e.binding})</code>`)}</dd>`
          : ''
      }
      <dt>${t('saml.certificate')}</dt><dd><code>${location.origin}/saml/v2/certificate</code></dd>
    </dl>
  <//>`;
}
