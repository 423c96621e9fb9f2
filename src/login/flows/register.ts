import { DomainError } from '../../platform/errors/domain-error.js';
import { USER_ERRORS } from '../../users/users.errors.js';
import { LoginProblem } from '../login.service.js';
import { pageUrl } from '../login-flow.js';
import { registerPage, type RegisterValues } from '../views/register.views.js';
import type { PageRequest } from '../http/page-request.js';
import { PageKit } from './page-kit.js';
import { profileForm, profileFormProblem, usernameTaken, type FormProblem } from './profile-form.js';

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
  const values = profileForm(r);
  const again = (p: FormProblem) => showRegister(k, r, values, p.errors, p.invalid, 400);
  const invalid = profileFormProblem(values, t);
  if (invalid) return again(invalid);
  const orgId = await k.registerOrg(r);
  const password = r.params.get('newPassword') ?? '';
  const problem = k.newPasswordProblem(r, t, password, await k.login.complexity(r.caller, orgId));
  if (problem) return again(problem);
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
    if (err.id === USER_ERRORS.usernameTaken) return again(usernameTaken(values, t));
    if (err.id === USER_ERRORS.passwordTooWeak)
      return again({ errors: [t('error.passwordWeak')], invalid: ['newPassword'] });
    throw err;
  }
  const session = await k.login.startWithUserId(r.caller, userId, password, k.userAgent(r));
  k.remember(r, session);
  return k.redirect(r, pageUrl('verify', r.flow, { session: session.id }));
}
