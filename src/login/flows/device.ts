import { isError } from '../../platform/errors/domain-error.js';
import { OIDC_ERRORS } from '../../oidc/oidc.errors.js';
import { pageUrl, type Flow } from '../login-flow.js';
import { messagePage } from '../views/layout.js';
import { deviceConsentPage, deviceInfoPage, devicePage } from '../views/device.views.js';
import type { PageRequest } from '../http/page-request.js';
import { PageKit } from './page-kit.js';

// Device authorization (RFC 8628 §3.3): the user code, then allow or deny for the signed-in user.

export async function showDevice(k: PageKit, r: PageRequest): Promise<void> {
  return k.page(r, 200, devicePage(await k.context(r), { userCode: r.params.get('user_code') ?? undefined }));
}

export async function submitDeviceCode(k: PageKit, r: PageRequest): Promise<void> {
  const t = await k.t(r);
  const userCode = (r.params.get('userCode') ?? '').trim();
  if (!userCode) return k.page(r, 400, devicePage(await k.context(r), { errors: [t('error.required')] }));
  let device;
  try {
    device = await k.login.deviceRequest(r.caller, userCode);
  } catch (err) {
    if (isError(err, OIDC_ERRORS.deviceRequestNotFound))
      return k.page(r, 400, devicePage(await k.context(r), { userCode, errors: [t('error.deviceCode')] }));
    throw err;
  }
  const flow: Flow = { kind: 'device', userCode: device.id };
  return k.page(r, 200, deviceInfoPage(await k.context(r), { device, next: pageUrl('login', flow) }));
}

export async function showDeviceConsent(k: PageKit, r: PageRequest): Promise<void> {
  if (r.flow.kind !== 'device') return k.notFound(r);
  const { session, view, user } = await k.sessionUser(r);
  const device = await k.login.deviceRequest(r.caller, r.flow.userCode);
  return k.page(
    r,
    200,
    deviceConsentPage(await k.context(r), {
      device,
      user: k.shown(view.user!, user),
      session: session.id,
    }),
  );
}

export async function submitDeviceDecision(k: PageKit, r: PageRequest): Promise<void> {
  if (r.flow.kind !== 'device') return k.notFound(r);
  const t = await k.t(r);
  const allow = r.params.get('decision') === 'allow';
  await k.login.decideDevice(r.caller, r.flow.userCode, allow ? k.session(r) : undefined);
  const ctx = await k.context(r);
  return k.page(
    r,
    200,
    allow
      ? messagePage(ctx, 'title.deviceDone', t('intro.deviceDone'))
      : messagePage(ctx, 'title.deviceDenied', t('intro.deviceDenied')),
  );
}
