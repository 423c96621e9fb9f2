import { ScalarType, type DescField, type DescMessage, type JsonObject, type JsonValue } from '@bufbuild/protobuf';
import { InvalidArgument } from '../../errors/domain-error.js';

const ID_UNKNOWN_PARAM = 'REST-u7kq2';
const ID_BAD_PARAM = 'REST-p9zr4';

/** A field by its proto name (`given_name`) or its JSON name (`givenName`), as protobuf JSON does. */
export function findField(message: DescMessage, name: string): DescField | undefined {
  return message.fields.find((f) => f.name === name || f.jsonName === name);
}

/**
 * Resolves a dotted field path (`profile.given_name`) to the fields along it. Every step but the
 * last must be a singular message field: a path cannot reach into lists or maps.
 */
export function resolveFieldPath(message: DescMessage, path: string): DescField[] | undefined {
  const fields: DescField[] = [];
  let current: DescMessage | undefined = message;
  for (const name of path.split('.')) {
    const field: DescField | undefined = current && findField(current, name);
    if (!field) return undefined;
    fields.push(field);
    current = field.fieldKind === 'message' ? field.message : undefined;
  }
  return fields;
}

/** Well-known types whose protobuf JSON form is a single string, number or bool, so a URL can carry them. */
const TEXT_WKT = new Set(
  [
    'Timestamp',
    'Duration',
    'FieldMask',
    'StringValue',
    'BytesValue',
    'BoolValue',
    'Int32Value',
    'UInt32Value',
    'Int64Value',
    'UInt64Value',
    'FloatValue',
    'DoubleValue',
  ].map((n) => `google.protobuf.${n}`),
);

/**
 * Whether a path segment or query value can set this field: scalars, enums and the well-known
 * text types, singular or repeated. Maps and other messages need the JSON body.
 */
export function isUrlSettable(field: DescField): boolean {
  return field.fieldKind !== 'map' && (!field.message || TEXT_WKT.has(field.message.typeName));
}

/** `true`/`false` as grpc-gateway also accepts `1`/`0`; anything else is left for the JSON reader to reject. */
function textToBool(text: string): JsonValue {
  const lower = text.toLowerCase();
  if (lower === 'true' || lower === '1') return true;
  if (lower === 'false' || lower === '0') return false;
  return text;
}

/**
 * A path segment or query value as the JSON value protobuf JSON expects for the field. Numbers
 * and 64-bit integers stay strings (protobuf JSON accepts quoted numbers); booleans and enum
 * numbers need converting; enum names and well-known text types pass through.
 */
function textToJson(field: DescField, text: string): JsonValue {
  if (field.enum) return /^-?\d+$/.test(text) ? Number(text) : text;
  if (field.scalar === ScalarType.BOOL || field.message?.typeName === 'google.protobuf.BoolValue')
    return textToBool(text);
  return text;
}

function leafValue(field: DescField, values: readonly string[], name: string): JsonValue {
  if (!isUrlSettable(field)) {
    throw InvalidArgument(ID_BAD_PARAM, `${name} cannot be set from the URL`, [
      { field: name, description: 'maps and message fields go in the request body' },
    ]);
  }
  if (field.fieldKind === 'list') return values.map((v) => textToJson(field, v));
  if (values.length !== 1) {
    throw InvalidArgument(ID_BAD_PARAM, `${name} is not repeated but was given ${values.length} times`, [
      { field: name, description: 'set more than once' },
    ]);
  }
  return textToJson(field, values[0]);
}

function setAt(target: JsonObject, fields: readonly DescField[], value: JsonValue, name: string): void {
  const twice = () =>
    InvalidArgument(ID_BAD_PARAM, `${name} is set more than once`, [
      { field: name, description: 'set more than once' },
    ]);
  let node = target;
  for (const field of fields.slice(0, -1)) {
    const next = (node[field.name] ??= {});
    // `?created=2024-01-01T00:00:00Z&created.seconds=1`: the parent is already a text value.
    if (typeof next !== 'object' || next === null || Array.isArray(next)) throw twice();
    node = next;
  }
  const key = fields[fields.length - 1].name;
  const existing = node[key];
  if (existing === undefined) node[key] = value;
  else if (Array.isArray(existing) && Array.isArray(value)) node[key] = [...existing, ...value];
  // The same field by its proto and its JSON name (`?user_id=1&userId=2`).
  else throw twice();
}

export type UrlParams = Iterable<readonly [name: string, values: readonly string[]]>;

/**
 * Path variables or query parameters (`pagination.offset=5&keys=a&keys=b`) as a protobuf JSON
 * object for `message`, keyed by proto names. Unknown names are rejected, not ignored, so a typo
 * cannot silently drop a filter.
 */
export function urlParamsToJson(message: DescMessage, params: UrlParams, source: 'path' | 'query'): JsonObject {
  const json: JsonObject = {};
  for (const [name, values] of params) {
    const fields = resolveFieldPath(message, name);
    if (!fields) {
      throw InvalidArgument(ID_UNKNOWN_PARAM, `unknown ${source} parameter "${name}"`, [
        { field: name, description: `not a field of ${message.typeName}` },
      ]);
    }
    setAt(json, fields, leafValue(fields[fields.length - 1], values, name), name);
  }
  return json;
}

/** Query parameters grouped by name, repeated names keeping their order. */
export function groupQuery(query: URLSearchParams): Map<string, string[]> {
  const grouped = new Map<string, string[]>();
  for (const [name, value] of query) grouped.set(name, [...(grouped.get(name) ?? []), value]);
  return grouped;
}
