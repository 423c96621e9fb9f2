import { DomainError } from '../../platform/errors/domain-error.js';
import { isError } from '../../platform/errors/domain-error.js';
import { CODE_EXPIRED, CODE_INVALID, USER_ERRORS } from '../../users/users.errors.js';
import { LoginProblem } from '../login.service.js';
import { passwordSetPage } from '../views/password.views.js';
import type { PageRequest } from '../http/page-request.js';
import { PageKit } from './page-kit.js';

// Invitations (CreateInviteCode's link: /verify?userId=&code=&invite=true): the first password with the code.

export async function showInvite(
  k: PageKit,
  r: PageRequest,
  errors?: string[],
  invalid?: string[],
  status = 200,
): Promise<void> {
  const userId = r.params.get('userId') ?? '';
  const user = userId ? await k.login.contactOf(r.caller, userId) : undefined;
  if (!user) throw new LoginProblem('error.invite');
  r.orgId = user.orgId;
  const complexity = await k.login.complexity(r.caller, user.orgId);
  return k.page(
    r,
    status,
    passwordSetPage(await k.context(r), {
      action: 'invite',
      hidden: { userId },
      complexity,
      code: r.params.get('code') ?? undefined,
      errors,
      invalid,
    }),
  );
}

export async function submitInvite(k: PageKit, r: PageRequest): Promise<void> {
  const t = await k.t(r);
  const userId = r.params.get('userId') ?? '';
  const user = userId ? await k.login.contactOf(r.caller, userId) : undefined;
  if (!user) throw new LoginProblem('error.invite');
  const { code, password, problem } = await k.codeAndNewPassword(r, t, user.orgId);
  if (problem) return showInvite(k, r, problem.errors, problem.invalid, 400);
  try {
    await k.login.acceptInvite(r.caller, user.id, code, password);
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    if (isError(err, CODE_INVALID, CODE_EXPIRED, USER_ERRORS.noInviteCode))
      return showInvite(k, r, [t('error.invite')], ['code'], 400);
    throw err;
  }
  const session = await k.login.startWithUserId(r.caller, user.id, password, k.userAgent(r));
  k.remember(r, session);
  return k.go(r, await k.login.advance(r.caller, r.flow, session, true));
}
