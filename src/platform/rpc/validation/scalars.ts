// PGV's rules for scalar values (numbers, bools, enums, strings, bytes), compiled into checks.

import { type DescEnum, type Message, ScalarType } from '@bufbuild/protobuf';
import {
  type BytesRules,
  type EnumRules,
  type FieldRules,
  KnownRegex,
  type StringRules,
} from '@zitadel/proto/validate/validate_pb.js';
import {
  bytesAt,
  constRule,
  failsUnless,
  hex,
  indexOfBytes,
  inRule,
  is64Bit,
  lengthRule,
  mapBounds,
  type Num,
  opt,
  partRule,
  patternRule,
  rangeRule,
  type Rule,
  runeCount,
  runRules,
  utf8Length,
  type ValueCheck,
} from './rules.js';
import { ipFamily, isEmail, isHostname, isV4Mapped, parseGoUrl } from './go-formats.js';
import { goBytes, goByteString, goFloat, goList, goQuote } from './go-print.js';

export const SCALAR_OF_RULE = {
  float: ScalarType.FLOAT,
  double: ScalarType.DOUBLE,
  int32: ScalarType.INT32,
  int64: ScalarType.INT64,
  uint32: ScalarType.UINT32,
  uint64: ScalarType.UINT64,
  sint32: ScalarType.SINT32,
  sint64: ScalarType.SINT64,
  fixed32: ScalarType.FIXED32,
  fixed64: ScalarType.FIXED64,
  sfixed32: ScalarType.SFIXED32,
  sfixed64: ScalarType.SFIXED64,
  bool: ScalarType.BOOL,
  string: ScalarType.STRING,
  bytes: ScalarType.BYTES,
} as const;

type ScalarRuleCase = keyof typeof SCALAR_OF_RULE;

type ScalarRules = Extract<FieldRules['type'], { case: ScalarRuleCase }>;

export function compileScalar(type: ScalarRules): ValueCheck | undefined {
  switch (type.case) {
    case 'string':
      return compileString(type.value);
    case 'bytes':
      return compileBytes(type.value);
    case 'bool': {
      const expected = opt(type.value, 'const');
      return expected === undefined ? undefined : runRules([constRule(expected, String)]);
    }
    default:
      return compileNumber(type.case, type.value as NumberRules);
  }
}

/** Every numeric rule message has this shape (FloatRules … SFixed64Rules). */
type NumberRules = Message & {
  const: Num;
  lt: Num;
  lte: Num;
  gt: Num;
  gte: Num;
  in: Num[];
  notIn: Num[];
  ignoreEmpty: boolean;
};

function compileNumber(
  kind: Exclude<ScalarRuleCase, 'string' | 'bytes' | 'bool'>,
  r: NumberRules,
): ValueCheck | undefined {
  const scalar = SCALAR_OF_RULE[kind];
  // 64-bit values arrive as bigint (or string with jstype=JS_STRING); float is compared at 32 bits as Go does.
  const normalize = is64Bit(scalar)
    ? (v: unknown): Num => BigInt(v as bigint)
    : scalar === ScalarType.FLOAT
      ? (v: unknown): Num => Math.fround(v as number)
      : undefined;
  const show =
    scalar === ScalarType.FLOAT
      ? (v: Num) => goFloat(v as number, 32)
      : scalar === ScalarType.DOUBLE
        ? (v: Num) => goFloat(v as number, 64)
        : String;
  const c = opt(r, 'const');
  return runRules<Num>(
    [
      c === undefined ? undefined : constRule(c, show),
      rangeRule(
        mapBounds(r, (v) => v),
        show,
      ),
      inRule(
        r.in,
        r.notIn,
        (v) => v,
        (list) => goList(list.map(show)),
      ),
    ],
    r.ignoreEmpty ? (v) => Number(v) === 0 : undefined,
    normalize,
  );
}

export function compileEnum(desc: DescEnum, r: EnumRules): ValueCheck | undefined {
  const c = opt(r, 'const');
  const defined = new Set(desc.values.map((v) => v.number));
  return runRules<number>([
    c === undefined ? undefined : constRule(c, String),
    inRule(
      r.in,
      r.notIn,
      (v) => v,
      (list) => goList(list.map(String)),
    ),
    r.definedOnly ? (v) => (defined.has(v) ? undefined : 'value must be one of the defined enum values') : undefined,
  ]);
}

function compileString(r: StringRules): ValueCheck | undefined {
  const quoted = (what: string) => (part: string) => `${what} ${goQuote(part)}`;
  return runRules<string>(
    [
      partRule(
        opt(r, 'const'),
        (v, c) => v === c,
        (c) => `value must equal ${c}`,
      ),
      inRule(r.in, r.notIn, (v) => v, goList),
      lengthRule(opt(r, 'len'), opt(r, 'minLen'), opt(r, 'maxLen'), 'runes', runeCount),
      lengthRule(opt(r, 'lenBytes'), opt(r, 'minBytes'), opt(r, 'maxBytes'), 'bytes', utf8Length),
      partRule(opt(r, 'prefix'), (v, p) => v.startsWith(p), quoted('value does not have prefix')),
      partRule(opt(r, 'suffix'), (v, p) => v.endsWith(p), quoted('value does not have suffix')),
      partRule(opt(r, 'contains'), (v, p) => v.includes(p), quoted('value does not contain substring')),
      partRule(opt(r, 'notContains'), (v, p) => !v.includes(p), quoted('value contains substring')),
      stringFormatRule(r),
      patternRule(opt(r, 'pattern'), (v: string) => v),
    ],
    r.ignoreEmpty ? (v) => v === '' : undefined,
  );
}

function stringFormatRule(r: StringRules): Rule<string> | undefined {
  const wk = r.wellKnown;
  if (wk.case === 'wellKnownRegex') return headerRule(wk.value, r.strict);
  if (!wk.value) return undefined; // `email: false` is no rule
  switch (wk.case) {
    case 'ip':
      return failsUnless((v) => ipFamily(v) !== undefined, 'value must be a valid IP address');
    case 'ipv4':
      return failsUnless((v) => ipFamily(v) === 4, 'value must be a valid IPv4 address');
    case 'ipv6':
      return failsUnless((v) => ipFamily(v) === 6, 'value must be a valid IPv6 address');
    case 'email':
      return failsUnless(isEmail, 'value must be a valid email address');
    case 'hostname':
      return failsUnless(isHostname, 'value must be a valid hostname');
    case 'address':
      return failsUnless(
        (v) => isHostname(v) || ipFamily(v) !== undefined,
        'value must be a valid hostname, or ip address',
      );
    case 'uri':
      return (v) => {
        const url = parseGoUrl(v);
        if (!url) return 'value must be a valid URI';
        return url.absolute ? undefined : 'value must be absolute';
      };
    case 'uriRef':
      return failsUnless((v) => parseGoUrl(v) !== undefined, 'value must be a valid URI');
    case 'uuid':
      return failsUnless((v) => UUID.test(v), 'value must be a valid UUID');
    default:
      return undefined;
  }
}

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** RFC 7230 header names/values; `strict: false` only refuses NUL, CR and LF. */
function headerRule(kind: KnownRegex, strict: boolean): Rule<string> | undefined {
  if (kind === KnownRegex.HTTP_HEADER_NAME) {
    // `+-.` is a range (+ , - .) in PGV's pattern; kept for parity.
    const re = strict ? /^:?[0-9a-zA-Z!#$%&'*+-.^_|~`]+$/ : /^[^\0\n\r]+$/;
    return failsUnless((v) => re.test(v), 'value must be a valid HTTP header name');
  }
  if (kind === KnownRegex.HTTP_HEADER_VALUE) {
    const re = strict ? /^[^\0-\x08\x0A-\x1F\x7F]*$/ : /^[^\0\n\r]*$/;
    return failsUnless((v) => re.test(v), 'value must be a valid HTTP header value');
  }
  return undefined;
}

function compileBytes(r: BytesRules): ValueCheck | undefined {
  const shown = (what: string) => (part: Uint8Array) => `${what} ${goByteString(part)}`;
  const decoder = new TextDecoder();
  return runRules<Uint8Array>(
    [
      lengthRule(opt(r, 'len'), opt(r, 'minLen'), opt(r, 'maxLen'), 'bytes', (v) => v.length),
      partRule(opt(r, 'prefix'), (v, p) => bytesAt(v, p, 0), shown('value does not have prefix')),
      partRule(opt(r, 'suffix'), (v, p) => bytesAt(v, p, v.length - p.length), shown('value does not have suffix')),
      partRule(opt(r, 'contains'), (v, p) => indexOfBytes(v, p) >= 0, shown('value does not contain')),
      inRule(r.in, r.notIn, hex, (list) => goList(list.map(goBytes))),
      partRule(
        opt(r, 'const'),
        (v, c) => v.length === c.length && bytesAt(v, c, 0),
        (c) => `value must equal ${goBytes(c)}`,
      ),
      bytesFormatRule(r),
      patternRule(opt(r, 'pattern'), (v: Uint8Array) => decoder.decode(v)),
    ],
    r.ignoreEmpty ? (v) => v.length === 0 : undefined,
  );
}

/** Go's net.IP(bytes): 4 or 16 bytes; an IPv4-mapped IPv6 counts as IPv4. */
function bytesFormatRule(r: BytesRules): Rule<Uint8Array> | undefined {
  const family = (v: Uint8Array): 4 | 6 | undefined =>
    v.length === 4 ? 4 : v.length === 16 ? (isV4Mapped(v) ? 4 : 6) : undefined;
  const wk = r.wellKnown;
  if (!wk.value) return undefined;
  if (wk.case === 'ip') return failsUnless((v) => family(v) !== undefined, 'value must be a valid IP address');
  if (wk.case === 'ipv4') return failsUnless((v) => family(v) === 4, 'value must be a valid IPv4 address');
  return failsUnless((v) => family(v) === 6, 'value must be a valid IPv6 address');
}
