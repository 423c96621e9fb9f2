import { invalidField, errorIds } from '../platform/errors/domain-error.js';

/** Stable ids of these errors, for matching a caught one: `isError(err, NOTIFICATION_ERRORS.recipientInvalid)`. */
export const NOTIFICATION_ERRORS = errorIds({
  recipientInvalid: 'NOTIF-t0rcp',
  urlTemplateInvalid: 'NOTIF-url7p',
});
const E = NOTIFICATION_ERRORS;

export const recipientInvalid = (channel: 'email' | 'sms') =>
  invalidField(E.recipientInvalid, 'to', `is not a valid ${channel === 'email' ? 'email address' : 'phone number'}`);
export const urlTemplateInvalid = (problems: readonly string[]) =>
  invalidField(E.urlTemplateInvalid, 'urlTemplate', problems.join('; '));
