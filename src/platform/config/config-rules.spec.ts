import {
  isHttpUrl,
  isIn,
  isInt,
  isJsonObject,
  matches,
  max,
  min,
  minLength,
  optional,
  problems,
  valid,
} from './config-rules.js';

class Settings {
  @valid(isInt, min(1), max(10))
  count: unknown = 5;

  @valid(optional, isHttpUrl)
  url?: unknown;

  @valid(isIn(['a', 'b']))
  mode: unknown = 'a';
}

function problemsOf(values: Partial<Settings>): string[] {
  return problems(Object.assign(new Settings(), values)).map((p) => `${p.property}: ${p.message}`);
}

describe('config rules', () => {
  it('pass valid settings and skip the checks of an unset optional one', () => {
    expect(problemsOf({})).toEqual([]);
    expect(problemsOf({ url: 'http://mailcatcher:1080/x' })).toEqual([]);
  });

  it('name every failed check of every setting', () => {
    expect(problemsOf({ count: 11, mode: 'c', url: 'ftp://x' })).toEqual([
      'count: count must not be greater than 10',
      'url: url must be a URL address',
      'mode: mode must be one of the following values: a, b',
    ]);
    expect(problemsOf({ count: 1.5 })).toEqual(['count: count must be an integer number']);
    expect(problemsOf({ count: '3' })).toHaveLength(3);
  });

  it.each([
    ['https://example.com', true],
    ['http://localhost:8080/path?q=1', true],
    ['not a url', false],
    ['mailto:a@b.c', false],
    ['https://', false],
    [42, false],
  ])('isHttpUrl(%p) accepts only absolute http(s) URLs with a host: %p', (value, ok) => {
    expect(isHttpUrl(value, 'u') === undefined).toBe(ok);
  });

  it.each([
    ['{"a":1}', true],
    ['[]', true],
    ['null', false],
    ['3', false],
    ['{', false],
  ])('isJsonObject(%p) accepts JSON objects and arrays only: %p', (value, ok) => {
    expect(isJsonObject(value, 'j') === undefined).toBe(ok);
  });

  it('minLength and matches check strings only', () => {
    expect(minLength(2)('ab', 'p')).toBeUndefined();
    expect(minLength(2)('a', 'p')).toBe('p must be longer than or equal to 2 characters');
    expect(matches(/^x/, 'must start with x')(5, 'p')).toBe('must start with x');
  });
});
