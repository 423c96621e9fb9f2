import { getOption, hasOption, ScalarType, type DescEnum, type DescField, type DescMessage } from '@bufbuild/protobuf';
import { openapiv2_field, openapiv2_schema } from '@zitadel/proto/protoc-gen-openapiv2/options/annotations_pb.js';

/**
 * JSON Schemas (2020-12, as OpenAPI 3.1 uses) for the protobuf JSON form of messages: lowerCamel
 * property names, 64-bit integers as strings, enums by name, well-known types in their special
 * forms (https://protobuf.dev/programming-guides/json/).
 */
export type JsonSchema = { [key: string]: unknown };

/** Component schemas by name, filled as types are first referenced. */
export type Components = Map<string, JsonSchema>;

export function schemaRef(name: string): JsonSchema {
  return { $ref: `#/components/schemas/${name}` };
}

export function scalarSchema(scalar: ScalarType): JsonSchema {
  switch (scalar) {
    case ScalarType.STRING:
      return { type: 'string' };
    case ScalarType.BYTES:
      return { type: 'string', contentEncoding: 'base64' };
    case ScalarType.BOOL:
      return { type: 'boolean' };
    case ScalarType.DOUBLE:
      return { type: 'number', format: 'double' };
    case ScalarType.FLOAT:
      return { type: 'number', format: 'float' };
    case ScalarType.INT32:
    case ScalarType.SINT32:
    case ScalarType.SFIXED32:
      return { type: 'integer', format: 'int32' };
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return { type: 'integer', minimum: 0, maximum: 4294967295 };
    // 64-bit integers do not fit a JS/JSON number, so protobuf JSON writes them as strings.
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
      return { type: 'string', format: 'int64', pattern: '^-?[0-9]+$' };
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return { type: 'string', format: 'uint64', pattern: '^[0-9]+$' };
  }
}

/** Well-known types with their own JSON form, inlined rather than described field by field. */
function wellKnownSchema(message: DescMessage): JsonSchema | undefined {
  switch (message.typeName) {
    case 'google.protobuf.Timestamp':
      return { type: 'string', format: 'date-time' };
    case 'google.protobuf.Duration':
      return { type: 'string', pattern: '^-?[0-9]+(\\.[0-9]{1,9})?s$', examples: ['3.5s'] };
    case 'google.protobuf.FieldMask':
      return { type: 'string', description: 'Comma-separated lowerCamel field paths.' };
    case 'google.protobuf.Struct':
      return { type: 'object', additionalProperties: true };
    case 'google.protobuf.Value':
      return { description: 'Any JSON value.' };
    case 'google.protobuf.ListValue':
      return { type: 'array', items: {} };
    case 'google.protobuf.Any':
      return {
        type: 'object',
        properties: { '@type': { type: 'string' } },
        required: ['@type'],
        additionalProperties: true,
      };
    case 'google.protobuf.Empty':
      return { type: 'object' };
    default: {
      // The wrappers (Int64Value, StringValue, ...) are written as their bare value.
      const value =
        message.typeName.startsWith('google.protobuf.') && message.typeName.endsWith('Value') && message.fields[0];
      return value && value.scalar !== undefined ? scalarSchema(value.scalar) : undefined;
    }
  }
}

function define(components: Components, name: string, build: () => JsonSchema): JsonSchema {
  if (!components.has(name)) {
    // Reserve the name before building, so a message that contains itself refers to itself.
    components.set(name, {});
    components.set(name, build());
  }
  return schemaRef(name);
}

export function enumSchema(desc: DescEnum, components: Components): JsonSchema {
  return define(components, desc.typeName, () => ({
    type: 'string',
    title: desc.name,
    enum: desc.values.map((v) => v.name),
    ...(desc.deprecated ? { deprecated: true } : {}),
  }));
}

function parsedExample(example: string): unknown[] {
  try {
    return [JSON.parse(example)];
  } catch {
    return [];
  }
}

/** What the contract's openapiv2 field options say about a field, if anything. */
function fieldDocs(field: DescField): JsonSchema {
  const docs: JsonSchema = field.deprecated ? { deprecated: true } : {};
  if (!hasOption(field, openapiv2_field)) return docs;
  const option = getOption(field, openapiv2_field);
  const examples = option.example ? parsedExample(option.example) : [];
  return {
    ...docs,
    ...(option.description ? { description: option.description } : {}),
    ...(examples.length ? { examples } : {}),
  };
}

function elementSchema(field: DescField, components: Components): JsonSchema {
  if (field.message) return messageSchema(field.message, components);
  if (field.enum) return enumSchema(field.enum, components);
  return scalarSchema(field.scalar!);
}

export function fieldSchema(field: DescField, components: Components): JsonSchema {
  const element = elementSchema(field, components);
  const shaped =
    field.fieldKind === 'list'
      ? { type: 'array', items: element }
      : field.fieldKind === 'map'
        ? { type: 'object', additionalProperties: element }
        : element;
  return { ...shaped, ...fieldDocs(field) };
}

/** The contract's own description of the message, then which fields are mutually exclusive. */
function messageDocs(message: DescMessage): JsonSchema {
  const described = hasOption(message, openapiv2_schema)
    ? getOption(message, openapiv2_schema).jsonSchema?.description
    : '';
  const groups = message.oneofs.map((o) => o.fields.map((f) => f.jsonName));
  const oneofs = groups.length
    ? `At most one of each group is set: ${groups.map((g) => `(${g.join(', ')})`).join('; ')}.`
    : '';
  const description = [described, oneofs].filter(Boolean).join('\n\n');
  return { ...(description ? { description } : {}), ...(groups.length ? { 'x-oneof': groups } : {}) };
}

/** A reference to the message's component (defined on first use), or a well-known type inline. */
export function messageSchema(message: DescMessage, components: Components): JsonSchema {
  return (
    wellKnownSchema(message) ??
    define(components, message.typeName, () => ({
      type: 'object',
      title: message.name,
      properties: Object.fromEntries(message.fields.map((f) => [f.jsonName, fieldSchema(f, components)])),
      ...messageDocs(message),
      ...(message.deprecated ? { deprecated: true } : {}),
    }))
  );
}
