import type { PageRequest } from '../http/page-request.js';
import type { Translate } from '../login.i18n.js';
import type { RegisterValues } from '../views/register.views.js';

// The profile fields of the two registration pages (self-registration and the one after an
// external provider): read, checked and blamed alike, so both pages refuse the same input.

export type ProfileForm = Required<RegisterValues>;

/** What a page shows back: the messages and the fields to mark. */
export interface FormProblem {
  readonly errors: string[];
  readonly invalid: string[];
}

const REQUIRED = ['givenName', 'familyName', 'email'] as const;

/** The submitted profile fields, trimmed. */
export function profileForm(r: PageRequest): ProfileForm {
  const field = (name: string) => (r.params.get(name) ?? '').trim();
  return {
    givenName: field('givenName'),
    familyName: field('familyName'),
    email: field('email'),
    username: field('username'),
  };
}

/** Names and email are required; the email must look like an address of at most 200 characters. */
export function profileFormProblem(values: ProfileForm, t: Translate): FormProblem | undefined {
  const missing = REQUIRED.filter((f) => !values[f]);
  if (missing.length) return { errors: [t('error.required')], invalid: [...missing] };
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(values.email) || values.email.length > 200)
    return { errors: [t('error.emailInvalid')], invalid: ['email'] };
  return undefined;
}

/** A taken username blames the username field, or the email that stood in for an empty one. */
export function usernameTaken(values: ProfileForm, t: Translate): FormProblem {
  return { errors: [t('error.usernameTaken')], invalid: [values.username ? 'username' : 'email'] };
}
