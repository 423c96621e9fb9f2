import { LOGIN_BASE } from '../login-flow.js';
import { errorBox, h, hiddenFields, input, layout, who, type PageContext, type UserOnPage } from './layout.js';

// Device authorization (RFC 8628 §3.3): the user code, what the device asks for, allow or deny.

export function devicePage(ctx: PageContext, v: { userCode?: string; errors?: string[] }): string {
  const t = ctx.t;
  return layout(
    ctx,
    'title.device',
    `<p class="intro">${h(t('intro.device'))}</p>
<form method="post" action="${LOGIN_BASE}/device" novalidate>${hiddenFields(ctx)}
${errorBox(v.errors)}
${input('userCode', t('label.userCode'), `type="text" class="code" autocomplete="off" autocapitalize="characters" spellcheck="false" required autofocus value="${h(v.userCode)}"`, !!v.errors?.length)}
<div class="actions"><button type="submit" class="primary">${h(t('button.next'))}</button></div>
</form>`,
  );
}

export interface DeviceOnPage {
  readonly appName: string;
  readonly projectName: string;
  readonly scope: readonly string[];
}

function scopes(device: DeviceOnPage): string {
  return `<ul class="scopes">${device.scope.map((s) => `<li><code>${h(s)}</code></li>`).join('')}</ul>`;
}

export function deviceInfoPage(ctx: PageContext, v: { device: DeviceOnPage; next: string }): string {
  const t = ctx.t;
  return layout(
    ctx,
    'title.device',
    `<p class="intro">${h(t('intro.deviceSignIn', { app: v.device.appName, project: v.device.projectName }))}</p>${scopes(v.device)}
<div class="actions"><a class="button primary" href="${h(v.next)}">${h(t('button.signIn'))}</a></div>`,
  );
}

export function deviceConsentPage(
  ctx: PageContext,
  v: { device: DeviceOnPage; user: UserOnPage; session: string },
): string {
  const t = ctx.t;
  return layout(
    ctx,
    'title.deviceConsent',
    `${who(ctx, v.user)}
<p class="intro">${h(t('intro.deviceConsent', { app: v.device.appName, project: v.device.projectName }))}</p>${scopes(v.device)}
<form method="post" action="${LOGIN_BASE}/device/consent">${hiddenFields(ctx, { session: v.session })}
<div class="actions"><button type="submit" name="decision" value="deny" class="secondary">${h(t('button.deny'))}</button><button type="submit" name="decision" value="allow" class="primary">${h(t('button.allow'))}</button></div>
</form>`,
  );
}
