// The pieces the validation rules are built from: a rule is a function from a value to the
// description of its violation; the builders read PGV's rule messages (present-ness, not
// truthiness) and phrase the descriptions as PGV's Go templates do.

import { isFieldSet, type Message, ScalarType } from '@bufbuild/protobuf';
import { file_validate_validate } from '@zitadel/proto/validate/validate_pb.js';
import type { FieldViolation } from '../../errors/domain-error.js';
import { re2ToRegExp } from './re2.js';
import { goQuote } from './go-print.js';

/** Checks one value (a field's, or one element of a list or map) found at `path`. */
// `any`: each check knows its own value type (string, bigint, list, map, message…).
export type ValueCheck = (value: any, path: string, out: FieldViolation[]) => void;

/** The description of a violated rule, or undefined when the value passes. */
export type Rule<T> = (value: T) => string | undefined;

/** Runs every rule on a value (after `normalize`) unless `skip` says the value is exempt. */
export function runRules<T>(
  rules: (Rule<T> | undefined)[],
  skip?: (value: T) => boolean,
  normalize?: (value: unknown) => T,
): ValueCheck | undefined {
  const active = rules.filter((r): r is Rule<T> => r !== undefined);
  if (active.length === 0) return undefined;
  return (raw, path, out) => {
    const value = normalize ? normalize(raw) : (raw as T);
    if (skip?.(value)) return;
    for (const rule of active) {
      const description = rule(value);
      if (description !== undefined) out.push({ field: path, description });
    }
  };
}

export type Num = number | bigint;

export function failsUnless<T>(ok: (value: T) => boolean, description: string): Rule<T> {
  return (value) => (ok(value) ? undefined : description);
}

/** A rule about a given part (const, prefix, pattern…), absent when the part is not set. */
export function partRule<T, P>(
  part: P | undefined,
  ok: (value: T, part: P) => boolean,
  describe: (part: P) => string,
): Rule<T> | undefined {
  return part === undefined ? undefined : failsUnless((v) => ok(v, part), describe(part));
}

export function constRule<T>(expected: T, show: (v: T) => string): Rule<T> {
  return failsUnless((v) => v === expected, `value must equal ${show(expected)}`);
}

/** `in` wins over `not_in` (PGV renders one or the other); `key` makes values comparable in a Set. */
export function inRule<T, K>(
  inList: T[],
  notIn: T[],
  key: (v: T) => K,
  show: (list: T[]) => string,
  subject = 'value', // Any's rules say "type URL must be in list"
): Rule<T> | undefined {
  if (inList.length) {
    const allowed = new Set(inList.map(key));
    return failsUnless((v) => allowed.has(key(v)), `${subject} must be in list ${show(inList)}`);
  }
  if (notIn.length) {
    const refused = new Set(notIn.map(key));
    return failsUnless((v) => !refused.has(key(v)), `${subject} must not be in list ${show(notIn)}`);
  }
  return undefined;
}

/** len (or min_len == max_len) is exact; otherwise min/max, each applied when present. */
export function lengthRule<T>(
  exact: bigint | undefined,
  min: bigint | undefined,
  max: bigint | undefined,
  unit: 'runes' | 'bytes',
  measure: (value: T) => number,
): Rule<T> | undefined {
  const len = exact ?? (min !== undefined && min === max ? min : undefined);
  if (len !== undefined) {
    const n = Number(len);
    return failsUnless((v) => measure(v) === n, `value length must be ${len} ${unit}`);
  }
  if (min !== undefined && max !== undefined) {
    const lo = Number(min);
    const hi = Number(max);
    return failsUnless((v) => {
      const l = measure(v);
      return l >= lo && l <= hi;
    }, `value length must be between ${min} and ${max} ${unit}, inclusive`);
  }
  if (min !== undefined) {
    const lo = Number(min);
    return failsUnless((v) => measure(v) >= lo, `value length must be at least ${min} ${unit}`);
  }
  if (max !== undefined) {
    const hi = Number(max);
    return failsUnless((v) => measure(v) <= hi, `value length must be at most ${max} ${unit}`);
  }
  return undefined;
}

interface Bounds<T> {
  lt?: T;
  lte?: T;
  gt?: T;
  gte?: T;
}

/** The present lt/lte/gt/gte of a rule message, converted to comparable values. */
export function mapBounds<R extends Message & Bounds<unknown>, T>(r: R, to: (v: NonNullable<R['lt']>) => T): Bounds<T> {
  const get = (k: keyof Bounds<unknown> & keyof R): T | undefined => {
    const v = opt(r, k);
    return v === undefined ? undefined : to(v as NonNullable<R['lt']>);
  };
  return { lt: get('lt'), lte: get('lte'), gt: get('gt'), gte: get('gte') };
}

/**
 * lt/lte/gt/gte as PGV combines them: a lower and an upper bound form a range, which is
 * exclusive ("outside") when the lower bound exceeds the upper one. Conditions are written as
 * PGV's failure tests so NaN behaves as in Go (it fails no comparison).
 */
export function rangeRule<T extends Num>(b: Bounds<T>, show: (v: T) => string): Rule<T> | undefined {
  const { lt, lte, gt, gte } = b;
  const fails =
    (test: (v: T) => boolean, description: string): Rule<T> =>
    (v) =>
      test(v) ? description : undefined;
  if (lt !== undefined) {
    if (gt !== undefined) {
      return lt > gt
        ? fails((v) => v <= gt || v >= lt, `value must be inside range (${show(gt)}, ${show(lt)})`)
        : fails((v) => v >= lt && v <= gt, `value must be outside range [${show(lt)}, ${show(gt)}]`);
    }
    if (gte !== undefined) {
      return lt > gte
        ? fails((v) => v < gte || v >= lt, `value must be inside range [${show(gte)}, ${show(lt)})`)
        : fails((v) => v >= lt && v < gte, `value must be outside range [${show(lt)}, ${show(gte)})`);
    }
    return fails((v) => v >= lt, `value must be less than ${show(lt)}`);
  }
  if (lte !== undefined) {
    if (gt !== undefined) {
      return lte > gt
        ? fails((v) => v <= gt || v > lte, `value must be inside range (${show(gt)}, ${show(lte)}]`)
        : fails((v) => v > lte && v <= gt, `value must be outside range (${show(lte)}, ${show(gt)}]`);
    }
    if (gte !== undefined) {
      return lte > gte
        ? fails((v) => v < gte || v > lte, `value must be inside range [${show(gte)}, ${show(lte)}]`)
        : fails((v) => v > lte && v < gte, `value must be outside range (${show(lte)}, ${show(gte)})`);
    }
    return fails((v) => v > lte, `value must be less than or equal to ${show(lte)}`);
  }
  if (gt !== undefined) return fails((v) => v <= gt, `value must be greater than ${show(gt)}`);
  if (gte !== undefined) return fails((v) => v < gte, `value must be greater than or equal to ${show(gte)}`);
  return undefined;
}

/** `pattern`: an RE2 expression, translated once when the message type is compiled. */
export function patternRule<T>(pattern: string | undefined, asText: (v: T) => string): Rule<T> | undefined {
  if (pattern === undefined) return undefined;
  const re = re2ToRegExp(pattern);
  return failsUnless((v) => re.test(asText(v)), `value does not match regex pattern ${goQuote(pattern)}`);
}

const ruleSchemas = new Map(file_validate_validate.messages.map((m) => [m.typeName, m]));

/** A proto2 `optional` rule, or undefined when absent: PGV tests rule presence, not truthiness. */
export function opt<R extends Message, K extends keyof R & string>(rules: R, key: K): R[K] | undefined {
  const field = ruleSchemas.get(rules.$typeName)?.field[key];
  return field && isFieldSet(rules as never, field) ? rules[key] : undefined;
}

export function is64Bit(scalar: ScalarType): boolean {
  return (
    scalar === ScalarType.INT64 ||
    scalar === ScalarType.UINT64 ||
    scalar === ScalarType.SINT64 ||
    scalar === ScalarType.FIXED64 ||
    scalar === ScalarType.SFIXED64
  );
}

/** Unicode code points, Go's utf8.RuneCountInString. */
export function runeCount(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

export const utf8Length = (s: string): number => Buffer.byteLength(s, 'utf8');

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

export function indexOfBytes(haystack: Uint8Array, needle: Uint8Array): number {
  return Buffer.from(haystack.buffer, haystack.byteOffset, haystack.byteLength).indexOf(needle);
}

/** Whether `part` occurs in `value` at `offset`. */
export function bytesAt(value: Uint8Array, part: Uint8Array, offset: number): boolean {
  if (offset < 0 || offset + part.length > value.length) return false;
  return part.every((b, i) => value[offset + i] === b);
}
