import { DomainError } from '../../platform/errors/domain-error.js';
import { USER_ERRORS } from '../../users/users.errors.js';
import { LoginProblem } from '../login.service.js';
import { pageUrl } from '../login-flow.js';
import { registerPage, type RegisterValues } from '../views/register.views.js';
import type { PageRequest } from '../http/page-request.js';
import { PageKit } from './page-kit.js';

// Self-registration (AddHumanUser) into the org the request names, or the instance's default org.

export async function showRegister(
  k: PageKit,
  r: PageRequest,
  values: RegisterValues = {},
  errors?: string[],
  invalid?: string[],
  status = 200,
): Promise<void> {
  if (!(await k.registerAllowed(r))) throw new LoginProblem('error.registerDisabled');
  const complexity = await k.login.complexity(r.caller, await k.registerOrg(r));
  return k.page(r, status, registerPage(await k.context(r), { values, complexity, errors, invalid }));
}

export async function submitRegister(k: PageKit, r: PageRequest): Promise<void> {
  if (!(await k.registerAllowed(r))) throw new LoginProblem('error.registerDisabled');
  const t = await k.t(r);
  const field = (name: string) => (r.params.get(name) ?? '').trim();
  const values = {
    givenName: field('givenName'),
    familyName: field('familyName'),
    email: field('email'),
    username: field('username'),
  };
  const again = (errors: string[], invalid: string[]) => showRegister(k, r, values, errors, invalid, 400);
  const missing = (['givenName', 'familyName', 'email'] as const).filter((f) => !values[f]);
  if (missing.length) return again([t('error.required')], [...missing]);
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(values.email) || values.email.length > 200)
    return again([t('error.emailInvalid')], ['email']);
  const orgId = await k.registerOrg(r);
  const password = r.params.get('newPassword') ?? '';
  const problem = k.newPasswordProblem(r, t, password, await k.login.complexity(r.caller, orgId));
  if (problem) return again(problem.errors, problem.invalid);
  let userId: string;
  try {
    userId = await k.login.register(r.caller, orgId, {
      ...values,
      username: values.username || undefined,
      password,
      language: (await k.context(r)).locale,
    });
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    if (err.id === USER_ERRORS.usernameTaken)
      return again([t('error.usernameTaken')], [values.username ? 'username' : 'email']);
    if (err.id === USER_ERRORS.passwordTooWeak) return again([t('error.passwordWeak')], ['newPassword']);
    throw err;
  }
  const session = await k.login.startWithUserId(r.caller, userId, password, k.userAgent(r));
  k.remember(r, session);
  return k.redirect(r, pageUrl('verify', r.flow, { session: session.id }));
}
