// One identity provider: its kind, owner and state, what to register at the upstream (the callback
// URL, or SAML's service provider URLs), its settings changed (secrets left empty stay as stored),
// and its deletion after a confirmation.
import { siteOfPage } from '../auth.js';
import { html } from '../html.js';
import { t } from '../i18n.js';
import { go, href } from '../router.js';
import { can, useSession } from '../session.js';
import { ConfirmButton, Forbidden, LoadState, Section, useAction, useLoad } from '../ui.js';
import { ProviderForm, idpCall, kindName } from './idp-form.js';
import { kindDef, kindOf, redirectUrls } from './idp-kinds.js';
import { idpPermissions, stateOf } from './idps.js';

/** @param {{ level: string, idpId: string }} props */
export function IdpScreen({ level, idpId }) {
  const { session } = useSession();
  const at = {
    level: level === 'instance' ? /** @type {const} */ ('instance') : /** @type {const} */ ('org'),
    orgId: session.orgId,
  };
  const may = idpPermissions(at.level);
  const allowed = can(session, may.read);
  const load = useLoad(() => idpCall(at, 'GetProviderByID', { id: idpId }), [idpId, at.level, session.orgId], allowed);
  const action = useAction();
  if (!allowed) return html`<${Forbidden} />`;
  const p = load.data?.idp;
  const def = p ? kindDef(kindOf(p)) : undefined;
  const remove = () =>
    action.run(async () => {
      await idpCall(at, 'DeleteProvider', { id: idpId });
      go('idps');
    });
  // SAML requests are signed with a key pair of the provider's own; a new one changes the metadata.
  const newCertificate = () =>
    action.run(() => idpCall(at, 'RegenerateSAMLProviderCertificate', { id: idpId }), t('idps.certificateMade'));
  return html`<div>
    <p><a href=${href('idps')}>← ${t('idps.title')}</a></p>
    <h1>${p?.name ?? t('idps.title')}</h1>
    <${LoadState} load=${load} count=${1} />
    ${
      p && def
        ? html`<${Section} title=${t('idps.details')}>
            <dl class="facts">
              <dt>${t('idps.kind')}</dt><dd>${kindName(def.kind)}</dd>
              <dt>${t('idps.owner')}</dt><dd>${p.owner === 'IDP_OWNER_TYPE_ORG' ? t('idps.ownerOrg') : t('idps.ownerInstance')}</dd>
              <dt>${t('common.state')}</dt><dd>${stateOf(p.state)}</dd>
              <dt>${t('common.id')}</dt><dd><code>${p.id}</code></dd>
              ${redirectUrls(def, siteOfPage().issuer, p.id).map(
                (u) => html`<dt>${t(u.label)}</dt><dd><code data-testid=${u.label}>${u.url}</code></dd>`,
              )}
            </dl>
            ${def.redirect === 'none' ? '' : html`<p>${t(def.redirect === 'saml' ? 'idps.registerSaml' : 'idps.registerCallback')}</p>`}
            <div class="actions">
              ${
                def.kind === 'saml' && can(session, may.write)
                  ? html`<${ConfirmButton} label=${t('idps.newCertificate')} question=${t('idps.newCertificateConfirm', { name: p.name })}
                    onConfirm=${newCertificate} danger=${false} />`
                  : ''
              }
              ${
                can(session, may.remove) || can(session, may.write)
                  ? html`<${ConfirmButton} label=${t('idps.delete')} question=${t('idps.deleteConfirm', { name: p.name })} onConfirm=${remove} />`
                  : ''
              }
            </div>
            ${action.feedback}
          <//>
          ${can(session, may.write) ? html`<${ProviderForm} key=${p.id} at=${at} provider=${p} onSaved=${load.reload} />` : ''}`
        : ''
    }
  </div>`;
}
