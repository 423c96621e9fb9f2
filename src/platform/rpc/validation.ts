// Enforces the contract's protoc-gen-validate (PGV) rules the way ZITADEL's generated Go
// `ValidateAll()` does, so Portcullis refuses exactly the requests ZITADEL refuses. The rules are read
// from the descriptors' `validate.rules` / `validate.required` / `validate.disabled` options once per
// message type and compiled into closures; a request then only runs those closures.
//
// Semantics follow PGV's Go templates (templates/goshared/*.go, templates/go/*.go):
// - proto2-`optional` rule values count when *present*, not when truthy (`min_len: 0` is a rule),
//   except min_items/min_pairs, which PGV tests by value.
// - Implicit-presence scalars are always checked (an empty string fails `min_len: 1`); fields with
//   explicit presence (proto3 `optional`, oneof members, messages) only when set.
// - Message fields recurse unless `skip`; `required` reports an unset message.
// - Violations list every failed rule, in PGV's order: plain fields, then oneofs, then proto3
//   optionals. Descriptions are PGV's wording; field paths use proto names (`admins[0].human.email`).
import { ScalarType, getOption, hasOption, isFieldSet } from '@bufbuild/protobuf';
import type { DescEnum, DescField, DescMessage, DescOneof, Message } from '@bufbuild/protobuf';
import type { Any, Duration, Timestamp } from '@bufbuild/protobuf/wkt';
import {
  KnownRegex,
  disabled,
  file_validate_validate,
  ignored,
  required as oneofRequired,
  rules as fieldRules,
} from '@zitadel/proto/validate/validate_pb.js';
import type {
  AnyRules,
  BytesRules,
  DurationRules,
  EnumRules,
  FieldRules,
  MessageRules,
  StringRules,
  TimestampRules,
} from '@zitadel/proto/validate/validate_pb.js';
import type { FieldViolation } from '../errors/domain-error.js';

/** Checks a message against the validate.rules options its descriptor carries. */
export function validateMessage(schema: DescMessage, message: Message): FieldViolation[] {
  const out: FieldViolation[] = [];
  for (const check of checksFor(schema)) check(message as unknown as Fields, '', out);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Compilation: one list of checks per message type, cached.

type Fields = Record<string, unknown>;
/** Checks one field (or oneof) of a message whose path is `prefix`. */
type MessageCheck = (message: Fields, prefix: string, out: FieldViolation[]) => void;
/** Checks one value (a field's, or one element of a list or map) found at `path`. */
// `any`: each check knows its own value type (string, bigint, list, map, message…).
type ValueCheck = (value: any, path: string, out: FieldViolation[]) => void;
/** The description of a violated rule, or undefined when the value passes. */
type Rule<T> = (value: T) => string | undefined;
/** What a single value is: the element type of a field, a list or a map. */
type Elem =
  | { kind: 'scalar'; scalar: ScalarType }
  | { kind: 'enum'; enum: DescEnum }
  | { kind: 'message'; message: DescMessage };

const compiled = new WeakMap<DescMessage, MessageCheck[]>();

/**
 * The checks of a message type. The (still empty) list is cached before it is filled, so a
 * recursive type (A -> B -> A) captures the same list instead of compiling forever.
 */
function checksFor(desc: DescMessage): MessageCheck[] {
  let checks = compiled.get(desc);
  if (checks) return checks;
  checks = [];
  compiled.set(desc, checks);
  try {
    checks.push(...compileMessage(desc));
  } catch (err) {
    compiled.delete(desc);
    throw err;
  }
  return checks;
}

function isSkippedMessage(desc: DescMessage): boolean {
  // `disabled` makes the generated Validate return nil; `ignored` generates none, so parents skip it.
  return getOption(desc, disabled) || getOption(desc, ignored);
}

function compileMessage(desc: DescMessage): MessageCheck[] {
  if (isSkippedMessage(desc)) return [];
  const plain = desc.fields.filter((f) => !f.oneof && !f.proto.proto3Optional);
  const optionals = desc.fields.filter((f) => f.proto.proto3Optional);
  return [
    ...plain.map((f) => compileField(f, false)),
    ...desc.oneofs.map(compileOneof),
    ...optionals.map((f) => compileField(f, true)),
  ].filter((c): c is MessageCheck => c !== undefined);
}

const fieldRulesOf = (field: DescField): FieldRules | undefined =>
  hasOption(field, fieldRules) ? getOption(field, fieldRules) : undefined;

const join = (prefix: string, name: string): string => (prefix ? `${prefix}.${name}` : name);

/**
 * With explicit presence (proto3 `optional`) PGV checks the value only when it is set; otherwise
 * it checks what Go's getter returns, the zero value for anything unset (an unset message stays
 * undefined, which is what `required` looks for).
 */
function compileField(field: DescField, explicitPresence: boolean): MessageCheck | undefined {
  const check = compileFieldValue(field);
  if (!check) return undefined;
  if (explicitPresence) {
    return (message, prefix, out) => {
      const value = message[field.localName];
      if (value !== undefined) check(value, join(prefix, field.name), out);
    };
  }
  const zero = zeroOf(field);
  return (message, prefix, out) => check(message[field.localName] ?? zero, join(prefix, field.name), out);
}

function compileFieldValue(field: DescField): ValueCheck | undefined {
  const rules = fieldRulesOf(field);
  const where = `${field.parent.typeName}.${field.name}`;
  if (field.fieldKind === 'list') return compileList(field, rules, where);
  if (field.fieldKind === 'map') return compileMap(field, rules, where);
  return compileValue(elemOf(field), rules, where);
}

/** A oneof: the rules of whichever member is set, then `(validate.required)`. */
function compileOneof(oneof: DescOneof): MessageCheck | undefined {
  const members = new Map<string, { name: string; check: ValueCheck }>();
  for (const field of oneof.fields) {
    const check = compileFieldValue(field);
    if (check) members.set(field.localName, { name: field.name, check });
  }
  const required = getOption(oneof, oneofRequired);
  if (!required && members.size === 0) return undefined;
  return (message, prefix, out) => {
    const selected = message[oneof.localName] as { case?: string; value?: unknown } | undefined;
    if (selected?.case === undefined) {
      if (required) out.push({ field: join(prefix, oneof.name), description: 'value is required' });
      return;
    }
    const member = members.get(selected.case);
    if (member) member.check(selected.value, join(prefix, member.name), out);
  };
}

function elemOf(field: { scalar?: ScalarType; enum?: DescEnum; message?: DescMessage }): Elem {
  if (field.message) return { kind: 'message', message: field.message };
  if (field.enum) return { kind: 'enum', enum: field.enum };
  return { kind: 'scalar', scalar: field.scalar! };
}

function mismatch(where: string, rule: string): Error {
  return new Error(`validate.rules on ${where}: ${rule} rules do not fit the field's type`);
}

// ---------------------------------------------------------------------------------------------
// Repeated and map fields.

function compileList(field: DescField, rules: FieldRules | undefined, where: string): ValueCheck | undefined {
  const type = rules?.type;
  if (type?.case !== undefined && type.case !== 'repeated') throw mismatch(where, type.case);
  const r = type?.case === 'repeated' ? type.value : undefined;
  const elem = elemOf(field);
  const count = r ? countRule(r.minItems, opt(r, 'maxItems'), 'item') : undefined;
  const unique = r?.unique ? uniqueKey(elem) : undefined;
  // Without `items` an element is still checked: messages recurse, as in PGV.
  const item = compileValue(elem, r?.items, where);
  if (!count && !unique && !item) return undefined;
  const ignoreEmpty = r?.ignoreEmpty ?? false;
  return (list: unknown[], path, out) => {
    if (ignoreEmpty && list.length === 0) return;
    const countViolation = count?.(list.length);
    if (countViolation) out.push({ field: path, description: countViolation });
    if (!unique && !item) return;
    const seen = new Set<unknown>();
    for (let i = 0; i < list.length; i++) {
      const at = `${path}[${i}]`;
      if (unique) {
        const key = unique(list[i]);
        if (seen.has(key)) out.push({ field: at, description: 'repeated value must contain unique items' });
        else seen.add(key);
      }
      item?.(list[i], at, out);
    }
  };
}

type DescMapField = Extract<DescField, { fieldKind: 'map' }>;

function compileMap(field: DescMapField, rules: FieldRules | undefined, where: string): ValueCheck | undefined {
  const type = rules?.type;
  if (type?.case !== undefined && type.case !== 'map') throw mismatch(where, type.case);
  const r = type?.case === 'map' ? type.value : undefined;
  const count = r ? countRule(r.minPairs, opt(r, 'maxPairs'), 'pair') : undefined;
  const keyScalar = field.mapKey;
  const key = compileValue({ kind: 'scalar', scalar: keyScalar }, r?.keys, where);
  const value = compileValue(elemOf(field), r?.values, where);
  const noSparse = r?.noSparse ?? false;
  if (!count && !key && !value && !noSparse) return undefined;
  const ignoreEmpty = r?.ignoreEmpty ?? false;
  return (map: Record<string, unknown>, path, out) => {
    const keys = Object.keys(map);
    if (ignoreEmpty && keys.length === 0) return;
    const countViolation = count?.(keys.length);
    if (countViolation) out.push({ field: path, description: countViolation });
    for (const k of keys) {
      const at = `${path}[${k}]`;
      if (noSparse && map[k] === undefined) {
        out.push({ field: at, description: 'value cannot be sparse, all pairs must be non-nil' });
      }
      key?.(mapKeyValue(keyScalar, k), at, out);
      value?.(map[k], at, out);
    }
  };
}

/** protobuf-es keys every map by string; rules compare the key in its declared type. */
function mapKeyValue(scalar: ScalarType, key: string): unknown {
  if (scalar === ScalarType.STRING) return key;
  if (scalar === ScalarType.BOOL) return key === 'true';
  return is64Bit(scalar) ? BigInt(key) : Number(key);
}

/** How repeated `unique` compares elements: by content for bytes, by value for everything else. */
function uniqueKey(elem: Elem): (value: unknown) => unknown {
  if (elem.kind === 'message') return (value) => value; // PGV refuses unique on messages at generation
  if (elem.kind === 'scalar' && elem.scalar === ScalarType.BYTES) return (value) => hex(value as Uint8Array);
  if (elem.kind === 'scalar' && is64Bit(elem.scalar)) return (value) => BigInt(value as bigint);
  return (value) => value;
}

/** PGV tests min_items/min_pairs by value (0 = no minimum) but max_* by presence. */
function countRule(min: bigint, max: bigint | undefined, noun: 'item' | 'pair'): Rule<number> | undefined {
  if (min > 0n) {
    const lo = Number(min);
    if (max === min) return (n) => (n !== lo ? `value must contain exactly ${min} ${noun}(s)` : undefined);
    if (max !== undefined) {
      const hi = Number(max);
      const d = `value must contain between ${min} and ${max} ${noun}s, inclusive`;
      return (n) => (n < lo || n > hi ? d : undefined);
    }
    return (n) => (n < lo ? `value must contain at least ${min} ${noun}(s)` : undefined);
  }
  if (max === undefined) return undefined;
  const hi = Number(max);
  return (n) => (n > hi ? `value must contain no more than ${max} ${noun}(s)` : undefined);
}

// ---------------------------------------------------------------------------------------------
// Single values: dispatch on the rule kind.

const SCALAR_OF_RULE = {
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

/** google.protobuf wrappers: PGV applies the scalar rules to `.value` when the wrapper is set. */
const WRAPPED_SCALAR: Record<string, ScalarType> = {
  'google.protobuf.DoubleValue': ScalarType.DOUBLE,
  'google.protobuf.FloatValue': ScalarType.FLOAT,
  'google.protobuf.Int64Value': ScalarType.INT64,
  'google.protobuf.UInt64Value': ScalarType.UINT64,
  'google.protobuf.Int32Value': ScalarType.INT32,
  'google.protobuf.UInt32Value': ScalarType.UINT32,
  'google.protobuf.BoolValue': ScalarType.BOOL,
  'google.protobuf.StringValue': ScalarType.STRING,
  'google.protobuf.BytesValue': ScalarType.BYTES,
};

function compileValue(elem: Elem, rules: FieldRules | undefined, where: string): ValueCheck | undefined {
  const type = rules?.type;
  if (type?.case === undefined) {
    return elem.kind === 'message' ? compileEmbedded(elem.message, rules?.message) : undefined;
  }
  switch (type.case) {
    case 'enum':
      if (elem.kind !== 'enum') throw mismatch(where, type.case);
      return compileEnum(elem.enum, type.value);
    case 'duration':
      expectMessage(elem, 'google.protobuf.Duration', where, type.case);
      return compileDuration(type.value);
    case 'timestamp':
      expectMessage(elem, 'google.protobuf.Timestamp', where, type.case);
      return compileTimestamp(type.value);
    case 'any':
      expectMessage(elem, 'google.protobuf.Any', where, type.case);
      return compileAny(type.value);
    case 'repeated':
    case 'map':
      throw mismatch(where, type.case);
    default: {
      const scalar = SCALAR_OF_RULE[type.case];
      const check = compileScalar(type);
      if (elem.kind === 'scalar' && elem.scalar === scalar) return check;
      if (elem.kind === 'message' && WRAPPED_SCALAR[elem.message.typeName] === scalar) {
        return compileWrapper(check, rules?.message?.required ?? false);
      }
      throw mismatch(where, type.case);
    }
  }
}

function expectMessage(elem: Elem, typeName: string, where: string, rule: string): void {
  if (elem.kind !== 'message' || elem.message.typeName !== typeName) throw mismatch(where, rule);
}

type ScalarRules = Extract<FieldRules['type'], { case: ScalarRuleCase }>;

function compileScalar(type: ScalarRules): ValueCheck | undefined {
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

/** Runs every rule on a value (after `normalize`) unless `skip` says the value is exempt. */
function runRules<T>(
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

// ---------------------------------------------------------------------------------------------
// Messages and well-known message types.

/**
 * Which message types have any rule in themselves or anything they contain. Recursing into a
 * type that cannot fail (google.protobuf.Struct, most responses' nested data) is skipped entirely.
 */
const needsChecks = new WeakMap<DescMessage, boolean>();

function hasRulesWithin(root: DescMessage): boolean {
  const cached = needsChecks.get(root);
  if (cached !== undefined) return cached;
  const seen = new Set<DescMessage>([root]);
  const queue = [root];
  let found = false;
  while (!found && queue.length) {
    const desc = queue.pop()!;
    if (isSkippedMessage(desc)) continue;
    found = desc.oneofs.some((o) => getOption(o, oneofRequired)) || desc.fields.some((f) => hasOption(f, fieldRules));
    for (const f of desc.fields) {
      if (f.message && !seen.has(f.message)) {
        seen.add(f.message);
        queue.push(f.message);
      }
    }
  }
  needsChecks.set(root, found);
  return found;
}

function compileEmbedded(desc: DescMessage, rules: MessageRules | undefined): ValueCheck | undefined {
  const required = rules?.required ?? false;
  const inner = !rules?.skip && hasRulesWithin(desc) ? checksFor(desc) : undefined;
  if (!required && !inner) return undefined;
  return (value, path, out) => {
    if (value === undefined) {
      if (required) out.push({ field: path, description: 'value is required' });
      return;
    }
    if (inner) for (const check of inner) check(value, path, out);
  };
}

function compileWrapper(check: ValueCheck | undefined, required: boolean): ValueCheck | undefined {
  if (!check && !required) return undefined;
  return (value, path, out) => {
    if (value === undefined) {
      if (required) out.push({ field: path, description: 'value is required and must not be nil.' });
      return;
    }
    check?.(value.value, path, out);
  };
}

/**
 * Duration and Timestamp: `required`, then (only when some comparison exists) a validity check
 * and the comparisons on the value in nanoseconds.
 */
function compileTimeValue<M extends Duration | Timestamp>(
  required: boolean,
  rules: (Rule<bigint> | undefined)[],
  toNanos: (value: M) => bigint | undefined,
  invalid: string,
): ValueCheck | undefined {
  const compare = runRules(rules);
  if (!required && !compare) return undefined;
  return (value, path, out) => {
    if (value === undefined) {
      if (required) out.push({ field: path, description: 'value is required' });
      return;
    }
    if (!compare) return;
    const nanos = toNanos(value);
    if (nanos === undefined) out.push({ field: path, description: invalid });
    else compare(nanos, path, out);
  };
}

function compileDuration(r: DurationRules): ValueCheck | undefined {
  const c = opt(r, 'const');
  return compileTimeValue<Duration>(
    r.required,
    [
      c && constRule(durationNanos(c), goDuration),
      rangeRule(mapBounds(r, durationNanos), goDuration),
      inRule(
        r.in.map(durationNanos),
        r.notIn.map(durationNanos),
        (v) => v,
        (list) => goList(list.map(goDuration)),
      ),
    ],
    (d) => (validDuration(d) ? durationNanos(d) : undefined),
    'value is not a valid duration',
  );
}

function compileTimestamp(r: TimestampRules): ValueCheck | undefined {
  const c = opt(r, 'const');
  return compileTimeValue<Timestamp>(
    r.required,
    [c && constRule(timestampNanos(c), goTime), rangeRule(mapBounds(r, timestampNanos), goTime) ?? nowRule(r)],
    (t) => (validTimestamp(t) ? timestampNanos(t) : undefined),
    'value is not a valid timestamp',
  );
}

/** lt_now / gt_now / within, which PGV only evaluates when no fixed bound is given. */
function nowRule(r: TimestampRules): Rule<bigint> | undefined {
  const within = r.within && durationNanos(r.within);
  const now = (): bigint => BigInt(Date.now()) * 1_000_000n;
  if (r.ltNow) {
    if (within === undefined) return (ts) => (ts >= now() ? 'value must be less than now' : undefined);
    const d = `value must be less than now within ${goDuration(within)}`;
    return (ts) => {
      const n = now();
      return ts >= n || ts < n - within ? d : undefined;
    };
  }
  if (r.gtNow) {
    if (within === undefined) return (ts) => (ts <= now() ? 'value must be greater than now' : undefined);
    const d = `value must be greater than now within ${goDuration(within)}`;
    return (ts) => {
      const n = now();
      return ts <= n || ts > n + within ? d : undefined;
    };
  }
  if (within === undefined) return undefined;
  const d = `value must be within ${goDuration(within)} of now`;
  return (ts) => {
    const n = now();
    return ts >= n + within || ts <= n - within ? d : undefined;
  };
}

function compileAny(r: AnyRules): ValueCheck | undefined {
  const typeUrl = inRule(r.in, r.notIn, (v: string) => v, goList, 'type URL');
  if (!r.required && !typeUrl) return undefined;
  return (value: Any | undefined, path, out) => {
    if (value === undefined) {
      if (r.required) out.push({ field: path, description: 'value is required' });
      return;
    }
    const description = typeUrl?.(value.typeUrl);
    if (description) out.push({ field: path, description });
  };
}

const NANOS_PER_SECOND = 1_000_000_000n;
/** Durations and timestamps (since the epoch) compare as nanoseconds. */
const toNanos = (t: { seconds: bigint; nanos: number }): bigint =>
  BigInt(t.seconds) * NANOS_PER_SECOND + BigInt(t.nanos);
const durationNanos: (d: Duration) => bigint = toNanos;
const timestampNanos: (t: Timestamp) => bigint = toNanos;

/** google/protobuf/duration.proto: ±10,000 years, nanos in (-1e9, 1e9) with the seconds' sign. */
function validDuration(d: Duration): boolean {
  const s = BigInt(d.seconds);
  if (s < -315_576_000_000n || s > 315_576_000_000n) return false;
  if (d.nanos <= -1e9 || d.nanos >= 1e9) return false;
  return !((s > 0n && d.nanos < 0) || (s < 0n && d.nanos > 0));
}

/** google/protobuf/timestamp.proto: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z, nanos in [0, 1e9). */
function validTimestamp(t: Timestamp): boolean {
  const s = BigInt(t.seconds);
  return s >= -62_135_596_800n && s <= 253_402_300_799n && t.nanos >= 0 && t.nanos < 1e9;
}

// ---------------------------------------------------------------------------------------------
// Scalars.

type Num = number | bigint;
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

function compileEnum(desc: DescEnum, r: EnumRules): ValueCheck | undefined {
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

// ---------------------------------------------------------------------------------------------
// Rule builders shared by several kinds.

function failsUnless<T>(ok: (value: T) => boolean, description: string): Rule<T> {
  return (value) => (ok(value) ? undefined : description);
}

/** A rule about a given part (const, prefix, pattern…), absent when the part is not set. */
function partRule<T, P>(
  part: P | undefined,
  ok: (value: T, part: P) => boolean,
  describe: (part: P) => string,
): Rule<T> | undefined {
  return part === undefined ? undefined : failsUnless((v) => ok(v, part), describe(part));
}

function constRule<T>(expected: T, show: (v: T) => string): Rule<T> {
  return failsUnless((v) => v === expected, `value must equal ${show(expected)}`);
}

/** `in` wins over `not_in` (PGV renders one or the other); `key` makes values comparable in a Set. */
function inRule<T, K>(
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
function lengthRule<T>(
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
function mapBounds<R extends Message & Bounds<unknown>, T>(r: R, to: (v: NonNullable<R['lt']>) => T): Bounds<T> {
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
function rangeRule<T extends Num>(b: Bounds<T>, show: (v: T) => string): Rule<T> | undefined {
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
function patternRule<T>(pattern: string | undefined, asText: (v: T) => string): Rule<T> | undefined {
  if (pattern === undefined) return undefined;
  const re = re2ToRegExp(pattern);
  return failsUnless((v) => re.test(asText(v)), `value does not match regex pattern ${goQuote(pattern)}`);
}

// ---------------------------------------------------------------------------------------------
// Reading rule messages.

const ruleSchemas = new Map(file_validate_validate.messages.map((m) => [m.typeName, m]));

/** A proto2 `optional` rule, or undefined when absent: PGV tests rule presence, not truthiness. */
function opt<R extends Message, K extends keyof R & string>(rules: R, key: K): R[K] | undefined {
  const field = ruleSchemas.get(rules.$typeName)?.field[key];
  return field && isFieldSet(rules as never, field) ? rules[key] : undefined;
}

function is64Bit(scalar: ScalarType): boolean {
  return (
    scalar === ScalarType.INT64 ||
    scalar === ScalarType.UINT64 ||
    scalar === ScalarType.SINT64 ||
    scalar === ScalarType.FIXED64 ||
    scalar === ScalarType.SFIXED64
  );
}

/** What Go's getter returns for an unset field (messages stay undefined: "not set"). */
function zeroOf(field: DescField): unknown {
  if (field.fieldKind === 'list') return [];
  if (field.fieldKind === 'map') return {};
  if (field.fieldKind === 'enum') return 0;
  if (field.fieldKind === 'message') return undefined;
  const scalar = field.scalar;
  if (scalar === ScalarType.STRING) return '';
  if (scalar === ScalarType.BOOL) return false;
  if (scalar === ScalarType.BYTES) return new Uint8Array(0);
  return is64Bit(scalar) ? 0n : 0;
}

// ---------------------------------------------------------------------------------------------
// Lengths and bytes.

/** Unicode code points, Go's utf8.RuneCountInString. */
function runeCount(s: string): number {
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

const utf8Length = (s: string): number => Buffer.byteLength(s, 'utf8');

/** A UTF-16 unit is at most 3 UTF-8 bytes, so short strings skip the byte count. */
const exceedsBytes = (s: string, max: number): boolean => s.length * 3 > max && utf8Length(s) > max;

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

function indexOfBytes(haystack: Uint8Array, needle: Uint8Array): number {
  return Buffer.from(haystack.buffer, haystack.byteOffset, haystack.byteLength).indexOf(needle);
}

/** Whether `part` occurs in `value` at `offset`. */
function bytesAt(value: Uint8Array, part: Uint8Array, offset: number): boolean {
  if (offset < 0 || offset + part.length > value.length) return false;
  return part.every((b, i) => value[offset + i] === b);
}

// ---------------------------------------------------------------------------------------------
// Well-known string formats, as Go's standard library decides them.

/** Go's net.ParseIP: 4 for IPv4 (or IPv4-mapped IPv6), 6 for other IPv6, undefined if neither. */
function ipFamily(s: string): 4 | 6 | undefined {
  if (parseIPv4(s)) return 4;
  const v6 = parseIPv6(s);
  if (!v6) return undefined;
  return isV4Mapped(v6) ? 4 : 6;
}

/** Dotted decimal, four octets, no leading zeros (Go ≥ 1.17 refuses them as ambiguous octal). */
function parseIPv4(s: string): number[] | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  const bytes = parts.map((p) => (/^(0|[1-9][0-9]{0,2})$/.test(p) ? Number(p) : 256));
  return bytes.every((b) => b <= 255) ? bytes : undefined;
}

/** RFC 4291 text form: 8 groups, one `::`, an optional dotted IPv4 tail; no zone (`%eth0`). */
function parseIPv6(s: string): Uint8Array | undefined {
  const gap = s.indexOf('::');
  if (gap >= 0 && s.indexOf('::', gap + 1) >= 0) return undefined;
  const words = (part: string): number[] | undefined => {
    if (part === '') return [];
    const groups = part.split(':');
    const out: number[] = [];
    for (const [i, g] of groups.entries()) {
      if (i === groups.length - 1 && g.includes('.')) {
        const v4 = parseIPv4(g);
        if (!v4) return undefined;
        out.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(g)) {
        out.push(parseInt(g, 16));
      } else {
        return undefined;
      }
    }
    return out;
  };
  const head = words(gap < 0 ? s : s.slice(0, gap));
  const tail = gap < 0 ? [] : words(s.slice(gap + 2));
  if (!head || !tail) return undefined;
  // An IPv4 tail may only end the address.
  if (gap >= 0 && head.length && s.slice(0, gap).includes('.')) return undefined;
  const used = head.length + tail.length;
  if (gap < 0 ? used !== 8 : used > 7) return undefined;
  const all = [...head, ...new Array<number>(8 - used).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  all.forEach((w, i) => {
    bytes[2 * i] = w >> 8;
    bytes[2 * i + 1] = w & 0xff;
  });
  return bytes;
}

function isV4Mapped(ip: Uint8Array): boolean {
  return ip.length === 16 && ip.subarray(0, 10).every((b) => b === 0) && ip[10] === 0xff && ip[11] === 0xff;
}

/** PGV's _validateHostname (RFC 1034 labels, ASCII only, one trailing dot allowed). */
function isHostname(host: string): boolean {
  if (exceedsBytes(host, 253)) return false;
  return HOST_LABELS.test((host.endsWith('.') ? host.slice(0, -1) : host).toLowerCase());
}

/** Dot-separated labels of 1-63 of [a-z0-9-], not starting or ending with '-'. */
const HOST_LABELS = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** PGV's _validateEmail: Go's mail.ParseAddress, then length limits and a hostname domain. */
function isEmail(s: string): boolean {
  const addr = parseMailAddress(s);
  if (addr === undefined || exceedsBytes(addr, 254)) return false;
  const at = addr.indexOf('@');
  return !exceedsBytes(addr.slice(0, at), 64) && isHostname(addr.slice(at + 1));
}

interface Cursor {
  s: string;
  i: number;
}

/**
 * RFC 5322 mailbox as Go's net/mail accepts it: `addr-spec`, optionally followed by a
 * `(display name)` comment, or `phrase <addr-spec>`. Returns the bare address.
 * Not covered: group syntax (`team: a@b.c;`) and RFC 2047 decoding errors in display names.
 */
function parseMailAddress(s: string): string | undefined {
  const p: Cursor = { s, i: 0 };
  skipSpace(p);
  if (p.i >= s.length) return undefined;
  let addr = consumeAddrSpec(p);
  if (addr !== undefined) {
    skipSpace(p);
    if (s[p.i] === '(') {
      p.i++;
      if (!consumeComment(p)) return undefined;
    }
  } else {
    if (s[p.i] !== '<' && !consumePhrase(p)) return undefined;
    skipSpace(p);
    if (s[p.i] !== '<') return undefined;
    p.i++;
    addr = consumeAddrSpec(p);
    if (addr === undefined || s[p.i] !== '>') return undefined;
    p.i++;
  }
  return skipCFWS(p) && p.i === s.length ? addr : undefined;
}

// Scanning works on UTF-16 units: every unit of a non-ASCII character is >= 0x80 and passes as
// VCHAR (RFC 6532), exactly as the whole code point does in Go.
const isWSP = (code: number): boolean => code === 0x20 || code === 0x09;
const isVchar = (code: number): boolean => (code >= 0x21 && code <= 0x7e) || code >= 0x80;
const SPECIALS = new Set([...'()<>[]:;@\\,"'].map((c) => c.charCodeAt(0)));
const isAtext = (code: number): boolean => code === 0x2e || (isVchar(code) && !SPECIALS.has(code));

function skipSpace(p: Cursor): void {
  while (isWSP(p.s.charCodeAt(p.i))) p.i++;
}

function skipCFWS(p: Cursor): boolean {
  skipSpace(p);
  while (p.s[p.i] === '(') {
    p.i++;
    if (!consumeComment(p)) return false;
    skipSpace(p);
  }
  return true;
}

/** After '(': nested comments, backslash escapes; false when unterminated. */
function consumeComment(p: Cursor): boolean {
  let depth = 1;
  while (p.i < p.s.length && depth > 0) {
    const c = p.s[p.i];
    if (c === '\\' && p.i + 1 < p.s.length) p.i++;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    p.i++;
  }
  return depth === 0;
}

function consumeAtom(p: Cursor, permissive: boolean): string | undefined {
  const start = p.i;
  while (isAtext(p.s.charCodeAt(p.i))) p.i++;
  const atom = p.s.slice(start, p.i);
  const malformed = atom === '' || (!permissive && (atom.startsWith('.') || atom.endsWith('.') || atom.includes('..')));
  if (!malformed) return atom;
  p.i = start;
  return undefined;
}

function consumeQuotedString(p: Cursor): string | undefined {
  const start = p.i;
  let text = '';
  for (p.i++; p.i < p.s.length; p.i++) {
    const code = p.s.charCodeAt(p.i);
    if (code === 0x22) {
      p.i++;
      return text;
    }
    // quoted-pair = "\" (VCHAR / WSP); qtext is VCHAR but '"' and '\', which are handled here.
    if (code === 0x5c) p.i++;
    const c = p.s.charCodeAt(p.i);
    if (!isVchar(c) && !isWSP(c)) break;
    text += p.s[p.i];
  }
  p.i = start;
  return undefined;
}

/** local-part "@" domain; restores the cursor on failure. */
function consumeAddrSpec(p: Cursor): string | undefined {
  const start = p.i;
  const fail = (): undefined => {
    p.i = start;
    return undefined;
  };
  skipSpace(p);
  if (p.i >= p.s.length) return fail();
  const local = p.s[p.i] === '"' ? consumeQuotedString(p) : consumeAtom(p, false);
  if (!local || p.s[p.i] !== '@') return fail();
  p.i++;
  skipSpace(p);
  let domain: string | undefined;
  if (p.s[p.i] === '[') {
    // A domain literal parses, but never passes the hostname check that follows.
    const close = p.s.indexOf(']', p.i);
    if (close < 0) return fail();
    domain = p.s.slice(p.i, close + 1);
    p.i = close + 1;
  } else {
    domain = consumeAtom(p, false);
  }
  return domain === undefined ? fail() : `${local}@${domain}`;
}

/** One or more words (atoms or quoted strings); an exhausted input ends it without error. */
function consumePhrase(p: Cursor): boolean {
  let words = 0;
  for (;;) {
    if (words > 0 && !skipCFWS(p)) return false;
    skipSpace(p);
    if (p.i >= p.s.length) return true;
    const word = p.s[p.i] === '"' ? consumeQuotedString(p) : consumeAtom(p, true);
    if (word === undefined) return words > 0;
    words++;
  }
}

/** Go's url.Parse: undefined when it refuses the string, else whether it has a scheme. */
function parseGoUrl(raw: string): { absolute: boolean } | undefined {
  const hash = raw.indexOf('#');
  const main = hash < 0 ? raw : raw.slice(0, hash);
  if (hash >= 0 && !validEscapes(raw.slice(hash + 1), 'path')) return undefined;
  if (/[\x00-\x1f\x7f]/.test(main)) return undefined;
  if (main === '*') return { absolute: false };
  const scheme = urlScheme(main);
  if (scheme === undefined) return undefined;
  let rest = scheme ? main.slice(scheme.length + 1) : main;
  const query = rest.indexOf('?');
  if (query >= 0) rest = rest.slice(0, query); // Go keeps the raw query unchecked
  if (!rest.startsWith('/')) {
    if (scheme) return { absolute: true }; // opaque, e.g. mailto:x — nothing else is checked
    // "Avoid confusion with malformed schemes, like cache_object:foo/bar."
    if (rest.split('/', 1)[0].includes(':')) return undefined;
  }
  if ((scheme || !rest.startsWith('///')) && rest.startsWith('//')) {
    const slash = rest.indexOf('/', 2);
    const authority = slash < 0 ? rest.slice(2) : rest.slice(2, slash);
    rest = slash < 0 ? '' : rest.slice(slash);
    if (!validAuthority(authority)) return undefined;
  }
  return validEscapes(rest, 'path') ? { absolute: scheme !== '' } : undefined;
}

/** The scheme before ':', '' when there is none, undefined for Go's "missing protocol scheme". */
function urlScheme(raw: string): string | undefined {
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (/[a-zA-Z]/.test(c)) continue;
    if (/[0-9+\-.]/.test(c)) {
      if (i === 0) return '';
      continue;
    }
    if (c === ':') return i === 0 ? undefined : raw.slice(0, i);
    return '';
  }
  return '';
}

function validAuthority(authority: string): boolean {
  const at = authority.lastIndexOf('@');
  if (!validHost(at < 0 ? authority : authority.slice(at + 1))) return false;
  if (at < 0) return true;
  const userinfo = authority.slice(0, at);
  return /^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(userinfo) && validEscapes(userinfo, 'path');
}

function validHost(host: string): boolean {
  const validPort = (p: string): boolean => /^(:[0-9]*)?$/.test(p);
  if (host.startsWith('[')) {
    const close = host.lastIndexOf(']');
    if (close < 0 || !validPort(host.slice(close + 1))) return false;
    const zone = host.slice(0, close).indexOf('%25');
    const literal = host.slice(1, zone < 0 ? close : zone);
    // Go (since the CVE-2025-47912 fix) only takes IPv6 literals inside brackets.
    if (parseIPv6(literal) === undefined) return false;
    return zone < 0 || validEscapes(host.slice(zone, close), 'zone');
  }
  const colon = host.lastIndexOf(':');
  if (colon >= 0 && !validPort(host.slice(colon))) return false;
  return validEscapes(host, 'host');
}

/** RFC 3986 §3.2.2 host characters Go leaves unescaped. */
const HOST_CHAR = /[A-Za-z0-9!$&'()*+,;=:[\]<>"\-_.~]/;

/**
 * Go's url.unescape as a yes/no: every '%' starts a two-digit hex escape; a host may only
 * escape non-ASCII bytes (or "%25"), and may not contain other ASCII outside HOST_CHAR.
 */
function validEscapes(s: string, mode: 'path' | 'host' | 'zone'): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '%') {
      if (!/^[0-9a-fA-F]{2}$/.test(s.slice(i + 1, i + 3))) return false;
      const byte = parseInt(s.slice(i + 1, i + 3), 16);
      const isPercent = s.slice(i, i + 3) === '%25';
      if (mode === 'host' && byte < 0x80 && !isPercent) return false;
      const zoneSafe = byte === 0x20 || (byte < 0x80 && HOST_CHAR.test(String.fromCharCode(byte)));
      if (mode === 'zone' && !isPercent && !zoneSafe) return false;
      i += 2;
    } else if (mode !== 'path' && c.charCodeAt(0) < 0x80 && !HOST_CHAR.test(c)) {
      return false;
    }
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
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

function re2ToRegExp(pattern: string): RegExp {
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

// ---------------------------------------------------------------------------------------------
// Values printed the way PGV's Go code prints them in descriptions.

/** fmt.Sprint of a slice: `[a b c]`. */
const goList = (items: string[]): string => `[${items.join(' ')}]`;

/** fmt.Sprint of a []byte: `[1 2 3]`. */
const goBytes = (bytes: Uint8Array): string => goList([...bytes].map(String));

/** PGV's byteStr: `"\x1\xFF"` (uppercase, unpadded). */
const goByteString = (bytes: Uint8Array): string =>
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
function goQuote(s: string): string {
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
function goFloat(v: number, bits: 32 | 64): string {
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
function goDuration(nanos: bigint): string {
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
function goTime(nanos: bigint): string {
  const seconds = nanos / NANOS_PER_SECOND - (nanos % NANOS_PER_SECOND < 0n ? 1n : 0n);
  const sub = Number(nanos - seconds * NANOS_PER_SECOND);
  const iso = new Date(Number(seconds) * 1000).toISOString(); // 2006-01-02T15:04:05.000Z
  const frac = sub ? `.${String(sub).padStart(9, '0').replace(/0+$/, '')}` : '';
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${frac} +0000 UTC`;
}
