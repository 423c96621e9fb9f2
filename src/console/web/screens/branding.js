// Branding: the label policy's colours and flags, edited as ZITADEL's console does: saved as the
// preview (admin UpdateLabelPolicy, management AddCustom/UpdateCustomLabelPolicy), shown in a
// preview that follows the fields as they change, then activated (ActivateLabelPolicy,
// ActivateCustomLabelPolicy) for the login pages and this console. Logos, icons and fonts are
// files the assets API would upload; that API is not served, so they are not offered here.
import { call } from '../api.js';
import { html } from '../html.js';
import { t } from '../i18n.js';
import { ConfirmButton, useAction, useLoad } from '../ui.js';
import { ADMIN, MANAGEMENT, endpointsOf } from './policy-rules.js';
import { PolicyPanel } from './settings.js';

/** @type {import('./settings.js').Policy} */
const LABEL_POLICY = {
  name: 'LabelPolicy',
  title: 'settings.branding',
  read: 'GetPreviewLabelPolicy',
  fields: [
    ['primaryColor', 'branding.primaryColor', 'text'],
    ['backgroundColor', 'branding.backgroundColor', 'text'],
    ['warnColor', 'branding.warnColor', 'text'],
    ['fontColor', 'branding.fontColor', 'text'],
    ['primaryColorDark', 'branding.primaryColorDark', 'text'],
    ['backgroundColorDark', 'branding.backgroundColorDark', 'text'],
    ['warnColorDark', 'branding.warnColorDark', 'text'],
    ['fontColorDark', 'branding.fontColorDark', 'text'],
    ['hideLoginNameSuffix', 'branding.hideLoginNameSuffix', 'bool'],
    ['disableWatermark', 'branding.disableWatermark', 'bool'],
  ],
  keep: ['themeMode'],
};

/** @param {{ level: 'org' | 'instance', orgId: string }} props */
export function Branding({ level, orgId }) {
  return html`<${PolicyPanel} def=${LABEL_POLICY} level=${level} orgId=${orgId}
    extra=${(/** @type {import('./settings.js').PanelState} */ panel) =>
      html`<${PreviewAndActivate} panel=${panel} level=${level} orgId=${orgId} />`} />`;
}

/**
 * The preview of the fields as they stand, light and dark, and the activation of the saved
 * preview when it differs from the active policy.
 * @param {{ panel: import('./settings.js').PanelState, level: 'org' | 'instance', orgId: string }} props
 */
function PreviewAndActivate({ panel, level, orgId }) {
  const { value, policy: saved, inherited, writable, reload } = panel;
  // The active policy: the level's ordinary read, not the preview's.
  const at = endpointsOf({ ...LABEL_POLICY, read: undefined }, level, orgId);
  const active = useLoad(() => call(at.read.join('/'), {}, at.opts), [level, orgId, saved]);
  const action = useAction();
  const live = active.data?.policy;
  // The stored preview, not the unsaved fields, is what activation makes live.
  const pending = live !== undefined && LABEL_POLICY.fields.some(([key]) => (saved[key] ?? '') !== (live[key] ?? ''));
  const activate = () =>
    action.run(async () => {
      await call(
        level === 'instance' ? `${ADMIN}/ActivateLabelPolicy` : `${MANAGEMENT}/ActivateCustomLabelPolicy`,
        {},
        at.opts,
      );
      reload();
    }, t('branding.activated'));
  return html`<div class="branding-previews" role="group" aria-label=${t('branding.preview')}>
      <${Preview} value=${value} dark=${false} />
      <${Preview} value=${value} dark=${true} />
    </div>
    ${pending ? html`<p class="badge" data-testid="branding-pending">${t('branding.pending')}</p>` : ''}
    ${
      writable && pending && !inherited
        ? html`<div class="actions"><${ConfirmButton} label=${t('branding.activate')} question=${t('branding.activateConfirm')}
          onConfirm=${activate} danger=${false} /></div>`
        : ''
    }
    ${action.feedback}`;
}

/** @param {{ value: (key: string) => unknown, dark: boolean }} props */
function Preview({ value, dark }) {
  const colour = (/** @type {string} */ key) => String(value(dark ? `${key}Dark` : key) || '');
  const style = {
    '--preview-primary': colour('primaryColor'),
    '--preview-background': colour('backgroundColor'),
    '--preview-warn': colour('warnColor'),
    '--preview-font': colour('fontColor'),
  };
  return html`<figure class=${dark ? 'branding-preview dark' : 'branding-preview'} data-testid=${dark ? 'preview-dark' : 'preview-light'} style=${style}>
    <figcaption>${t(dark ? 'branding.dark' : 'branding.light')}</figcaption>
    <p class="preview-title">${t('branding.previewTitle')}</p>
    <p class="preview-name">${value('hideLoginNameSuffix') === true ? 'alice' : 'alice@acme.example'}</p>
    <p class="preview-warn">${t('branding.previewWarn')}</p>
    <span class="preview-button">${t('branding.previewButton')}</span>
    ${value('disableWatermark') === true ? '' : html`<p class="preview-watermark">${t('branding.previewWatermark')}</p>`}
  </figure>`;
}
