import { DomainError } from '../../platform/errors/domain-error.js';
import { USER_ERRORS } from '../../users/users.errors.js';
import { CREDENTIAL_ERRORS } from '../../users/credentials/credentials.errors.js';
import type { MessageKey } from '../login.i18n.js';
import { passwordChangePage } from '../views/password.views.js';
import type { PageRequest } from '../http/page-request.js';
import { PageKit } from './page-kit.js';

// A password change the login requires (expired, or set by an administrator).

/** The refusals of the new or the current password that the page words for the user. */
const CHANGE_REFUSED: ReadonlyMap<string, MessageKey> = new Map<string, MessageKey>([
  [USER_ERRORS.passwordTooWeak, 'error.passwordWeak'],
  [CREDENTIAL_ERRORS.wrongCurrentPassword, 'error.password'],
  [CREDENTIAL_ERRORS.passwordUnchanged, 'error.passwordSame'],
]);

export async function showPasswordChange(k: PageKit, r: PageRequest, errors?: string[], status = 200): Promise<void> {
  const { session, view, user } = await k.sessionUser(r);
  const complexity = await k.login.complexity(r.caller, user.orgId);
  return k.page(
    r,
    status,
    passwordChangePage(await k.context(r), {
      user: k.shown(view.user!, user),
      session: session.id,
      complexity,
      errors,
    }),
  );
}

export async function submitPasswordChange(k: PageKit, r: PageRequest): Promise<void> {
  const t = await k.t(r);
  const current = r.params.get('currentPassword') ?? '';
  const next = r.params.get('newPassword') ?? '';
  if (!current || !next) return showPasswordChange(k, r, [t('error.required')], 400);
  if (next !== r.params.get('confirmPassword')) return showPasswordChange(k, r, [t('error.passwordMismatch')], 400);
  const session = k.session(r);
  try {
    await k.login.changePassword(r.caller, session, current, next);
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    const key = CHANGE_REFUSED.get(err.id);
    if (key) return showPasswordChange(k, r, [t(key)], 400);
    throw err;
  }
  return k.go(r, await k.login.advance(r.caller, r.flow, session, true));
}
