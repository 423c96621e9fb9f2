import { passwordProblems } from './password-policy.js';

describe('passwordProblems', () => {
  it.each([
    ['Password1!', []],
    ['Pässwörd1!', []],
    ['short1!A', []],
    ['Sh1!', ['must be at least 8 characters long']],
    ['password1!', ['must contain an uppercase letter']],
    ['PASSWORD1!', ['must contain a lowercase letter']],
    ['Password!!', ['must contain a number']],
    ['Password11', ['must contain a symbol']],
  ])('%s', (password, expected) => {
    expect(passwordProblems(password)).toEqual(expected);
  });

  it('counts characters, not bytes', () => {
    expect(
      passwordProblems('Ä1!aaaa', {
        minLength: 7,
        requiresUppercase: true,
        requiresLowercase: true,
        requiresNumber: true,
        requiresSymbol: true,
      }),
    ).toEqual([]);
  });
});
