// Values printed the way PGV's Go code prints them in violation descriptions.

export const NANOS_PER_SECOND = 1_000_000_000n;

/** fmt.Sprint of a slice: `[a b c]`. */
export const goList = (items: string[]): string => `[${items.join(' ')}]`;

/** fmt.Sprint of a []byte: `[1 2 3]`. */
export const goBytes = (bytes: Uint8Array): string => goList([...bytes].map(String));

/** PGV's byteStr: `"\x1\xFF"` (uppercase, unpadded). */
export const goByteString = (bytes: Uint8Array): string =>
  `"${[...bytes].map((b) => `\\x${b.toString(16).toUpperCase()}`).join('')}"`;

const GO_NAMED_ESCAPES: Record<string, string> = {
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
};

/** strconv.Quote for the common cases: escapes quotes, backslashes and control characters. */
export function goQuote(s: string): string {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (GO_NAMED_ESCAPES[ch]) out += GO_NAMED_ESCAPES[ch];
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `"${out}"`;
}

/** fmt's %v for floats: shortest digits, exponent form below 1e-4 or from 1e+06 on. */
export function goFloat(v: number, bits: 32 | 64): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  let exp = v.toExponential();
  if (bits === 32) {
    for (let digits = 0; digits < 9; digits++) {
      exp = v.toExponential(digits);
      if (Math.fround(Number(exp)) === v) break;
    }
  }
  const [mantissa, e] = exp.split('e');
  const power = Number(e);
  if (power < -4 || power >= 6)
    return `${mantissa}e${power < 0 ? '-' : '+'}${String(Math.abs(power)).padStart(2, '0')}`;
  return String(Number(exp));
}

/** time.Duration.String(): `1h0m0s`, `1.5s`, `100ms`, `0s`. */
export function goDuration(nanos: bigint): string {
  if (nanos === 0n) return '0s';
  const sign = nanos < 0n ? '-' : '';
  const u = nanos < 0n ? -nanos : nanos;
  const fraction = (v: bigint, digits: number): [bigint, string] => {
    const p = 10n ** BigInt(digits);
    const f = (v % p).toString().padStart(digits, '0').replace(/0+$/, '');
    return [v / p, f ? `.${f}` : ''];
  };
  if (u < 1000n) return `${sign}${u}ns`;
  if (u < 1_000_000n) return `${sign}${fraction(u, 3).join('')}µs`;
  if (u < NANOS_PER_SECOND) return `${sign}${fraction(u, 6).join('')}ms`;
  const [seconds, frac] = fraction(u, 9);
  const minutes = seconds / 60n;
  const hours = minutes / 60n;
  const h = hours > 0n ? `${hours}h` : '';
  const m = minutes > 0n ? `${minutes % 60n}m` : '';
  return `${sign}${h}${m}${seconds % 60n}${frac}s`;
}

/** time.Time.String() in UTC: `2006-01-02 15:04:05.999999999 +0000 UTC`. */
export function goTime(nanos: bigint): string {
  const seconds = nanos / NANOS_PER_SECOND - (nanos % NANOS_PER_SECOND < 0n ? 1n : 0n);
  const sub = Number(nanos - seconds * NANOS_PER_SECOND);
  const iso = new Date(Number(seconds) * 1000).toISOString(); // 2006-01-02T15:04:05.000Z
  const frac = sub ? `.${String(sub).padStart(9, '0').replace(/0+$/, '')}` : '';
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${frac} +0000 UTC`;
}
