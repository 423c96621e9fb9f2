import type { Translate } from '../login.i18n.js';
import { profileFormProblem, usernameTaken, type ProfileForm } from './profile-form.js';

const t: Translate = (key) => key;
const form = (over: Partial<ProfileForm> = {}): ProfileForm => ({
  givenName: 'Ada',
  familyName: 'Lovelace',
  email: 'ada@example.test',
  username: '',
  ...over,
});

describe('the registration pages refuse the same profile input', () => {
  it('accepts names and an email, the username being optional', () => {
    expect(profileFormProblem(form(), t)).toBeUndefined();
  });

  it('names every missing required field at once', () => {
    expect(profileFormProblem(form({ givenName: '', email: '' }), t)).toEqual({
      errors: ['error.required'],
      invalid: ['givenName', 'email'],
    });
  });

  it.each(['ada', 'ada@example', 'a da@example.test', `${'a'.repeat(190)}@example.test`])(
    'refuses %s as an email',
    (email) => {
      expect(profileFormProblem(form({ email }), t)).toEqual({ errors: ['error.emailInvalid'], invalid: ['email'] });
    },
  );

  it('blames a taken username on the username field, or on the email standing in for an empty one', () => {
    expect(usernameTaken(form({ username: 'ada' }), t).invalid).toEqual(['username']);
    expect(usernameTaken(form(), t).invalid).toEqual(['email']);
  });
});
