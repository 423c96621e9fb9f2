import {
  create,
  fromJson,
  mergeFromJson,
  mergeFromJsonString,
  type DescField,
  type DescMessage,
  type JsonValue,
  type Message,
  type Registry,
} from '@bufbuild/protobuf';
import { isFieldError } from '@bufbuild/protobuf/reflect';
import { InvalidArgument, type FieldViolation } from '../../errors/domain-error.js';
import { findField, groupQuery, urlParamsToJson } from './request-fields.js';

const ID_MALFORMED_JSON = 'REST-j8wd3';
const ID_INVALID_FIELD = 'REST-f4nv6';
const ID_QUERY_WITH_BODY = 'REST-q2bx5';

export interface RequestParts {
  /** Path variables by field path, already percent-decoded. */
  readonly pathParams: ReadonlyMap<string, string>;
  readonly query: URLSearchParams;
  /** The raw body, or undefined when the route takes none. */
  readonly body: Buffer | undefined;
}

/** How the route maps the request: `*` (whole body), a top-level field name, or '' (no body). */
export interface RequestBinding {
  readonly input: DescMessage;
  readonly body: string;
}

interface JsonProblem {
  readonly path: string;
  readonly description: string;
}

/**
 * protobuf-es' message without its "cannot decode field x.y.Z from JSON: " prefix (the field path
 * says where). For enums it gives only the bad value, so the enum is named instead.
 */
function reason(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const parts = /^cannot decode (message |field |enum |oneof )?([\w.]+) from JSON:?\s*(.*)$/s.exec(text);
  if (!parts) return text;
  const [, kind, name, detail] = parts;
  return kind === 'enum ' ? `${detail} is not a value of ${name}` : detail;
}

function decodeFailure(schema: DescMessage, json: JsonValue, registry: Registry | undefined): string | undefined {
  try {
    fromJson(schema, json, { registry });
    return undefined;
  } catch (err) {
    return reason(err);
  }
}

function isObject(json: JsonValue): json is { [k: string]: JsonValue } {
  return typeof json === 'object' && json !== null && !Array.isArray(json);
}

/** Well-known types have their own JSON forms (strings, `@type`, free objects): no keys to blame. */
function isWellKnown(schema: DescMessage): boolean {
  return schema.typeName.startsWith('google.protobuf.');
}

/** protobuf-es reports a non-object where a message belongs as just the value; say what was expected. */
function notAnObject(schema: DescMessage, json: JsonValue): string | undefined {
  if (isObject(json) || isWellKnown(schema)) return undefined;
  const got = json === null ? 'null' : Array.isArray(json) ? 'an array' : `a ${typeof json}`;
  return `expected a JSON object, got ${got}`;
}

/** Where a field's value holds messages: the message itself, list items or map values. */
function messageChildren(field: DescField, value: JsonValue): [suffix: string, schema: DescMessage, json: JsonValue][] {
  if (!field.message) return [];
  if (field.fieldKind === 'message') return [['', field.message, value]];
  if (field.fieldKind === 'list' && Array.isArray(value))
    return value.map((item, i) => [`[${i}]`, field.message!, item]);
  if (field.fieldKind === 'map' && isObject(value))
    return Object.entries(value).map(([k, v]) => [`[${k}]`, field.message!, v]);
  return [];
}

/**
 * Finds the innermost key of `json` that fails to decode, as a dotted proto-name path
 * (`admins[0].human.profile.given_nam`). protobuf-es names only the message or field type, not
 * where in the document it was, which is useless to a caller with a nested body. Runs only after
 * a decode has failed, so re-decoding sub-trees costs nothing on the happy path.
 */
export function locateJsonProblem(schema: DescMessage, json: JsonValue, registry?: Registry): JsonProblem | undefined {
  if (!isObject(json) || isWellKnown(schema)) return undefined;
  for (const [key, value] of Object.entries(json)) {
    const field = findField(schema, key);
    if (!field) return { path: key, description: 'unknown field' };
    const failure = decodeFailure(schema, { [key]: value }, registry);
    if (failure === undefined) continue;
    for (const [suffix, childSchema, childJson] of messageChildren(field, value)) {
      const childFailure = decodeFailure(childSchema, childJson, registry);
      if (childFailure === undefined) continue;
      const inner = locateJsonProblem(childSchema, childJson, registry);
      const path = `${field.name}${suffix}`;
      if (inner) return { path: `${path}.${inner.path}`, description: inner.description };
      return { path, description: notAnObject(childSchema, childJson) ?? childFailure };
    }
    return { path: field.name, description: failure };
  }
  return undefined;
}

function invalidJson(where: string, schema: DescMessage, json: JsonValue, err: unknown, registry?: Registry): Error {
  const problem = locateJsonProblem(schema, json, registry);
  if (problem) {
    return InvalidArgument(ID_INVALID_FIELD, `invalid ${where}: ${problem.path}: ${problem.description}`, [
      { field: problem.path, description: problem.description },
    ]);
  }
  // Problems that span keys (two members of one oneof) fail no single key; protobuf-es names the oneof.
  const cause = err instanceof Error ? err.cause : undefined;
  const description = notAnObject(schema, json) ?? reason(err);
  const violations: FieldViolation[] = isFieldError(cause) ? [{ field: cause.field().name, description }] : [];
  return InvalidArgument(ID_INVALID_FIELD, `invalid ${where}: ${description}`, violations);
}

/**
 * Merges JSON into the message. Given the raw text, protobuf-es reads that instead, because it
 * then also rejects duplicate keys, which JSON.parse silently collapses to the last one.
 */
function mergeJson(
  where: string,
  message: Message,
  schema: DescMessage,
  json: JsonValue,
  text: string | undefined,
  registry?: Registry,
): void {
  try {
    if (text === undefined) mergeFromJson(schema, message, json, { registry });
    else mergeFromJsonString(schema, message, text, { registry });
  } catch (err) {
    throw invalidJson(where, schema, json, err, registry);
  }
}

interface JsonBody {
  readonly json: JsonValue;
  readonly text: string;
}

function parseJsonBody(body: Buffer | undefined): JsonBody | undefined {
  const text = body?.toString('utf8') ?? '';
  if (text.trim() === '') return undefined;
  try {
    return { json: JSON.parse(text) as JsonValue, text };
  } catch (err) {
    throw InvalidArgument(ID_MALFORMED_JSON, `malformed JSON in request body: ${(err as Error).message}`);
  }
}

/** The JSON body as JSON for the whole request message: all of it, or wrapped in the body field. */
function bodyJson(binding: RequestBinding, body: Buffer | undefined): JsonBody | undefined {
  if (!binding.body) return undefined;
  const parsed = parseJsonBody(body);
  if (binding.body === '*') return parsed ?? { json: {}, text: '{}' };
  // The raw text is spliced in, not re-serialised, so the duplicate-key check still sees all of it.
  return parsed && { json: { [binding.body]: parsed.json }, text: `{${JSON.stringify(binding.body)}:${parsed.text}}` };
}

/**
 * Builds the request message the way grpc-gateway does (google/api/http.proto): the body first,
 * then query parameters for fields the body does not carry, then path variables, which win.
 * `body: "*"` leaves nothing for the query string, so a query there is refused rather than
 * silently dropped.
 */
export function decodeRequest(binding: RequestBinding, parts: RequestParts, registry?: Registry): Message {
  const { input } = binding;
  const message = create(input);
  const body = bodyJson(binding, parts.body);
  if (body) mergeJson('request body', message, input, body.json, body.text, registry);
  const query = groupQuery(parts.query);
  if (query.size > 0 && binding.body === '*') {
    const name = [...query.keys()][0];
    throw InvalidArgument(
      ID_QUERY_WITH_BODY,
      `query parameter "${name}" is not accepted: this method takes its fields in the JSON body`,
      [{ field: name, description: 'send it in the request body' }],
    );
  }
  if (query.size > 0)
    mergeJson('query parameters', message, input, urlParamsToJson(input, query, 'query'), undefined, registry);
  const path = [...parts.pathParams].map(([name, value]) => [name, [value]] as const);
  if (path.length > 0) mergeJson('path', message, input, urlParamsToJson(input, path, 'path'), undefined, registry);
  return message;
}
