import { goByteString, goBytes, goDuration, goFloat, goList, goQuote, goTime } from './go-print.js';

// Each expectation is the text Go prints (fmt, strconv, time), which PGV puts in its descriptions.

describe('Go value printing', () => {
  it('prints slices and byte slices as fmt.Sprint does', () => {
    expect(goList(['a', 'b', 'c'])).toBe('[a b c]');
    expect(goList([])).toBe('[]');
    expect(goBytes(new Uint8Array([1, 2, 255]))).toBe('[1 2 255]');
  });

  it("prints bytes as PGV's byteStr: uppercase, unpadded \\x escapes", () => {
    expect(goByteString(new Uint8Array([1, 255]))).toBe('"\\x1\\xFF"');
  });

  it.each([
    ['plain', '"plain"'],
    ['a"b\\c', '"a\\"b\\\\c"'],
    ['tab\tnew\nbell\x07', '"tab\\tnew\\nbell\\a"'],
    ['\x01\x7f', '"\\x01\\x7f"'],
    ['é😀', '"é😀"'],
  ])('strconv.Quote(%j) is %s', (value, quoted) => {
    expect(goQuote(value)).toBe(quoted);
  });

  it.each<[number, 32 | 64, string]>([
    [0.5, 64, '0.5'],
    [1e6, 64, '1e+06'],
    [123456, 64, '123456'],
    [0.0001, 64, '0.0001'],
    [0.00001, 64, '1e-05'],
    [-2.5e-7, 64, '-2.5e-07'],
    [Math.fround(0.1), 32, '0.1'], // shortest digits at 32 bits
    [Number.NaN, 64, 'NaN'],
    [Number.POSITIVE_INFINITY, 64, '+Inf'],
    [-0, 64, '-0'],
  ])('fmt %%v of %s (float%s) is %s', (value, bits, text) => {
    expect(goFloat(value, bits)).toBe(text);
  });

  it.each<[bigint, string]>([
    [0n, '0s'],
    [999n, '999ns'],
    [1_500n, '1.5µs'],
    [1_500_000n, '1.5ms'],
    [1_000_000_000n, '1s'],
    [90_000_000_000n, '1m30s'],
    [3_600_000_000_000n, '1h0m0s'],
    [-1_500_000_000n, '-1.5s'],
  ])('time.Duration(%s).String() is %s', (nanos, text) => {
    expect(goDuration(nanos)).toBe(text);
  });

  it.each<[bigint, string]>([
    [0n, '1970-01-01 00:00:00 +0000 UTC'],
    [1_500_000_000n, '1970-01-01 00:00:01.5 +0000 UTC'],
    [-1n, '1969-12-31 23:59:59.999999999 +0000 UTC'],
  ])('time.Time at %s ns prints %s', (nanos, text) => {
    expect(goTime(nanos)).toBe(text);
  });
});
