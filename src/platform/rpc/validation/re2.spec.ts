import { re2ToRegExp } from './re2.js';

// RE2 (Go's regexp, which PGV's `pattern` uses) and JavaScript read some patterns differently.

describe('re2ToRegExp', () => {
  it.each([
    ['^[a-z]+\\d{2}$', 'abc12', 'abc1'],
    ['(?i)^abc\\z', 'ABC', 'abc\n'],
    ['^(?P<word>\\w+)\\-x$', 'a_b-x', 'a b-x'],
    ['^\\x{1F600}\\pL$', '😀é', '😀1'],
    ['^a.c$', 'a\rc', 'a\nc'], // RE2's '.' only excludes \n
    ['^[[:alpha:]]+\\s$', 'abc\t', 'abc\u00a0'], // RE2's \s is ASCII only
    ['^[]a]+$', ']a]', 'b'], // ']' first in a class is a literal
    ['^\\Qa.b\\E$', 'a.b', 'axb'], // \Q…\E quotes
    ['^\\101$', 'A', 'a'], // octal escape
    ['^a{$', 'a{', 'a'], // '{' without a repeat is a literal
    ['\\Aab', 'abc', 'cab'],
    ['^\\p{Greek}+$', 'αβ', 'ab'], // a script, not a general category
    ['^\\PN$', 'a', '1'],
    ['^\\p{^L}$', '1', 'a'],
    ['(?s)^a.c$', 'a\nc', 'ac'],
  ])('%s matches %j, not %j', (pattern, good, bad) => {
    const re = re2ToRegExp(pattern);
    expect(re.test(good)).toBe(true);
    expect(re.test(bad)).toBe(false);
  });

  it.each([
    ['(?U)a+', /ungreedy/],
    ['a(?i)b', /has no JS equivalent/],
    ['[[:^alpha:]]', /unsupported class/],
    ['[a', /missing closing \]/],
    ['a\\', /trailing backslash/],
    ['\\C', /unsupported escape/],
  ])('refuses %s, which JS cannot express', (pattern, error) => {
    expect(() => re2ToRegExp(pattern)).toThrow(error);
  });
});
