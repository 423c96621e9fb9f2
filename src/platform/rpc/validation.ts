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

import {
  type DescEnum,
  type DescField,
  type DescMessage,
  type DescOneof,
  getOption,
  hasOption,
  type Message,
  ScalarType,
} from '@bufbuild/protobuf';
import type { Any, Duration, Timestamp } from '@bufbuild/protobuf/wkt';
import {
  type AnyRules,
  disabled,
  type DurationRules,
  type FieldRules,
  ignored,
  type MessageRules,
  required as oneofRequired,
  rules as fieldRules,
  type TimestampRules,
} from '@zitadel/proto/validate/validate_pb.js';
import type { FieldViolation } from '../errors/domain-error.js';
import {
  constRule,
  hex,
  inRule,
  is64Bit,
  mapBounds,
  opt,
  rangeRule,
  type Rule,
  runRules,
  type ValueCheck,
} from './validation/rules.js';
import { compileEnum, compileScalar, SCALAR_OF_RULE } from './validation/scalars.js';
import { goDuration, goList, goTime, NANOS_PER_SECOND } from './validation/go-print.js';

/** Checks a message against the validate.rules options its descriptor carries. */
export function validateMessage(schema: DescMessage, message: Message): FieldViolation[] {
  const out: FieldViolation[] = [];
  for (const check of checksFor(schema)) check(message as unknown as Fields, '', out);
  return out;
}

type Fields = Record<string, unknown>;

/** Checks one field (or oneof) of a message whose path is `prefix`. */
type MessageCheck = (message: Fields, prefix: string, out: FieldViolation[]) => void;

/** What a single value is: the element type of a field, a list or a map. */
type Elem =
  | { kind: 'scalar'; scalar: ScalarType }
  | { kind: 'enum'; enum: DescEnum }
  | { kind: 'message'; message: DescMessage };

// ---------------------------------------------------------------------------------------------
// Compilation: one list of checks per message type, cached.

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
// Unset fields.

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
