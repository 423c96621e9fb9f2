// RE2 -> JavaScript RegExp. PGV compiles `pattern` with Go's regexp (RE2 syntax); the same
// pattern in JS differs in a few places, translated here. Constructs JS cannot express (inline
// flag groups after the start, \C) throw when the message type is first validated.

const RE2_SPACE = '\\t\\n\\f\\r ';

const POSIX_CLASSES: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7f',
  blank: '\\t ',
  cntrl: '\\x00-\\x1f\\x7f',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

const GENERAL_CATEGORIES = new Set(
  'C Cc Cf Co Cs L Ll Lm Lo Lt Lu M Mc Me Mn N Nd Nl No P Pc Pd Pe Pf Pi Po Ps S Sc Sk Sm So Z Zl Zp Zs Any'.split(' '),
);

/** The JS RegExp (`u` flag) that matches what RE2 matches; throws for a construct JS cannot express. */
export function re2ToRegExp(pattern: string): RegExp {
  let flags = 'u';
  let src = pattern;
  const lead = /^\(\?([imsU]+)\)/.exec(src);
  if (lead) {
    if (lead[1].includes('U')) throw new Error(`pattern ${pattern}: ungreedy mode has no JS equivalent`);
    flags += [...new Set(lead[1])].join('');
    src = src.slice(lead[0].length);
  }
  let out = '';
  let inClass = false;
  let classStart = false; // a ']' right after '[' or '[^' is a literal in RE2
  for (let i = 0; i < src.length; ) {
    const c = src[i];
    if (c === '\\') {
      const [js, used] = re2Escape(src, i, inClass, pattern);
      out += js;
      i += used;
    } else if (inClass) {
      const posix = /^\[:(\^?)([a-z]+):\]/.exec(src.slice(i));
      if (posix) {
        if (posix[1] || !POSIX_CLASSES[posix[2]]) throw new Error(`pattern ${pattern}: unsupported class ${posix[0]}`);
        out += POSIX_CLASSES[posix[2]];
        i += posix[0].length;
      } else {
        if (c === ']' && !classStart) inClass = false;
        out += c === '[' || (c === ']' && classStart) ? `\\${c}` : c;
        i++;
      }
    } else if (c === '[') {
      inClass = true;
      const negated = src[i + 1] === '^';
      out += negated ? '[^' : '[';
      i += negated ? 2 : 1;
      classStart = true;
      continue;
    } else if (c === '(') {
      const [js, used] = re2Group(src, i, pattern);
      out += js;
      i += used;
    } else if (c === '{') {
      const repeat = /^\{\d+(,\d*)?\}/.exec(src.slice(i));
      out += repeat ? repeat[0] : '\\{';
      i += repeat ? repeat[0].length : 1;
    } else {
      // RE2's '.' excludes only \n; JS's also excludes \r, U+2028 and U+2029.
      out += c === '.' && !flags.includes('s') ? '[^\\n]' : c === '}' || c === ']' ? `\\${c}` : c;
      i++;
    }
    classStart = false;
  }
  if (inClass) throw new Error(`pattern ${pattern}: missing closing ]`);
  return new RegExp(out, flags);
}

function re2Group(src: string, i: number, pattern: string): [string, number] {
  if (src[i + 1] !== '?') return ['(', 1];
  const named = /^\(\?P?<([A-Za-z_][A-Za-z0-9_]*)>/.exec(src.slice(i));
  if (named) return [`(?<${named[1]}>`, named[0].length];
  if (src.startsWith('(?:', i)) return ['(?:', 3];
  throw new Error(`pattern ${pattern}: group ${src.slice(i, i + 4)}… has no JS equivalent`);
}

/** Translates the escape at src[i] ('\\'); returns the JS text and how many chars it used. */
function re2Escape(src: string, i: number, inClass: boolean, pattern: string): [string, number] {
  const n = src[i + 1];
  if (n === undefined) throw new Error(`pattern ${pattern}: trailing backslash`);
  switch (n) {
    case 'd':
    case 'D':
    case 'w':
    case 'W':
    case 'f':
    case 't':
    case 'n':
    case 'r':
    case 'v':
      return [`\\${n}`, 2];
    case 'b':
    case 'B':
      if (inClass) break;
      return [`\\${n}`, 2];
    case 's': // RE2's \s is ASCII whitespace only
      return [inClass ? RE2_SPACE : `[${RE2_SPACE}]`, 2];
    case 'S': // inside a class JS's \S also excludes Unicode spaces; no closer equivalent
      return [inClass ? '\\S' : `[^${RE2_SPACE}]`, 2];
    case 'A':
      if (inClass) break;
      return ['(?<![\\s\\S])', 2];
    case 'z':
      if (inClass) break;
      return ['(?![\\s\\S])', 2];
    case 'a':
      return ['\\x07', 2];
    case 'x': {
      const braced = /^\\x\{([0-9a-fA-F]+)\}/.exec(src.slice(i));
      if (braced) return [`\\u{${braced[1]}}`, braced[0].length];
      const short = /^\\x[0-9a-fA-F]{2}/.exec(src.slice(i));
      if (short) return [short[0], 4];
      break;
    }
    case 'p':
    case 'P': {
      const m = /^\\[pP](?:\{(\^?)([A-Za-z_]+)\}|([A-Za-z]))/.exec(src.slice(i));
      if (!m) break;
      const name = m[2] ?? m[3];
      const negate = (n === 'P') !== (m[1] === '^');
      const property = GENERAL_CATEGORIES.has(name) ? name : `Script=${name}`;
      return [`\\${negate ? 'P' : 'p'}{${property}}`, m[0].length];
    }
    case 'Q': {
      const end = src.indexOf('\\E', i + 2);
      const text = src.slice(i + 2, end < 0 ? undefined : end);
      return [[...text].map((ch) => re2Literal(ch, inClass)).join(''), (end < 0 ? src.length : end + 2) - i];
    }
    default: {
      const octal = /^\\(0[0-7]{0,2}|[1-7][0-7]{1,2})/.exec(src.slice(i));
      if (octal) return [`\\u{${parseInt(octal[1], 8).toString(16)}}`, octal[0].length];
      if (!/[A-Za-z0-9]/.test(n)) return [re2Literal(n, inClass), 2];
    }
  }
  throw new Error(`pattern ${pattern}: unsupported escape \\${n}`);
}

/** A literal character, escaped where the JS `u` flag requires it. */
function re2Literal(ch: string, inClass: boolean): string {
  const special = inClass ? '\\]^-[' : '^$\\.*+?()[]{}|/';
  return special.includes(ch) ? `\\${ch}` : ch;
}
