import { changedFlags, loginBase, loginBaseUriProblem, NO_APP, resolveFeatures } from './feature-flags.js';

const HOSTED = '/ui/v2/login';

describe('login target (ZITADEL CreateAuthRequest)', () => {
  it.each([
    ['nothing set: the hosted login', undefined, NO_APP, HOSTED],
    [
      'login v2 required: its base URI, whatever the app says',
      { required: true, baseUri: 'https://l.example' },
      { v2: true, baseUri: 'https://app.example' },
      'https://l.example',
    ],
    [
      'login v2 required without base URI: the hosted login',
      { required: true },
      { v2: true, baseUri: 'https://app.example' },
      HOSTED,
    ],
    [
      'not required, app on login v1: the hosted login',
      { required: false, baseUri: 'https://l.example' },
      NO_APP,
      HOSTED,
    ],
    [
      "not required, app on login v2 with its own URI: the app's",
      { required: false, baseUri: 'https://l.example' },
      { v2: true, baseUri: 'https://app.example' },
      'https://app.example',
    ],
    [
      "not required, app on login v2 without URI: the instance's",
      { required: false, baseUri: 'https://l.example' },
      { v2: true, baseUri: null },
      'https://l.example',
    ],
  ])('%s', (_case, flag, app, expected) => {
    expect(loginBase(flag, app, HOSTED)).toBe(expected);
  });
});

describe('feature inheritance', () => {
  it('each flag comes from the lowest level that sets it; unset flags are absent', () => {
    const resolved = resolveFeatures([
      { level: 'system', values: { oidcTokenExchange: true, userSchema: true } },
      { level: 'instance', values: { userSchema: false } },
    ]);
    expect(resolved).toEqual({
      oidcTokenExchange: { value: true, source: 'system' },
      userSchema: { value: false, source: 'instance' },
    });
  });

  it('a set changes only flags whose value differs', () => {
    expect(
      changedFlags(
        { oidcTokenExchange: true, loginV2: { required: true, baseUri: '/a' } },
        { oidcTokenExchange: true, loginV2: { required: true, baseUri: '/b' }, userSchema: false },
      ),
    ).toEqual({ loginV2: { required: true, baseUri: '/b' }, userSchema: false });
  });
});

describe('login v2 base URI', () => {
  it.each([
    ['https://login.example.com/ui', true],
    ['http://localhost:3000', true],
    ['/ui/v2/login', true],
    ['//evil.example', false],
    ['javascript:alert(1)', false],
    ['https://user:pw@login.example.com', false],
    ['login.example.com', false],
  ])('%s usable: %s', (uri, ok) => {
    expect(loginBaseUriProblem(uri) === undefined).toBe(ok);
  });
});
