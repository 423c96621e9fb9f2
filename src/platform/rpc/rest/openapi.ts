import { getOption, hasOption, type DescMessage, type DescService } from '@bufbuild/protobuf';
import { openapiv2_operation, openapiv2_tag } from '@zitadel/proto/protoc-gen-openapiv2/options/annotations_pb.js';
import { collectRoutes, type ExtraBinding, type RestRoute, type RestService } from './http-bindings.js';
import { fieldSchema, messageSchema, schemaRef, type Components, type JsonSchema } from './json-schema.js';
import { toOpenApiPath, variablePattern } from './path-template.js';
import { isUrlSettable, resolveFieldPath } from './request-fields.js';

export { openApiHtml } from './openapi-html.js';

export interface OpenApiInfo {
  readonly title: string;
  readonly version: string;
  readonly serverUrl?: string;
}

/** The verbs an OpenAPI path item can hold; a custom google.api.http verb outside these has no place. */
const OPENAPI_VERBS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);
const ERROR_SCHEMA = 'RestError';
/** Deep enough for every request in the contract, shallow enough to keep recursive messages finite. */
const MAX_QUERY_DEPTH = 4;

/** The shape toRestError writes (grpc-gateway's, as ZITADEL answers). */
const errorSchema: JsonSchema = {
  type: 'object',
  title: 'Error',
  properties: {
    code: { type: 'integer', description: 'gRPC status code (google.rpc.Code).' },
    message: { type: 'string', description: 'What went wrong, followed by the stable error id in parentheses.' },
    details: {
      type: 'array',
      items: { type: 'object', properties: { '@type': { type: 'string' } }, additionalProperties: true },
    },
  },
};

function fieldPathProtoName(input: DescMessage, path: string): string {
  return resolveFieldPath(input, path)!
    .map((f) => f.name)
    .join('.');
}

function pathParameters(route: RestRoute, components: Components): JsonSchema[] {
  return route.template.variables.map((variable) => {
    const fields = resolveFieldPath(route.method.input, variable)!;
    const pattern = variablePattern(route.template, variable);
    return {
      name: variable,
      in: 'path',
      required: true,
      schema: fieldSchema(fields[fields.length - 1], components),
      ...(pattern !== '*' ? { description: `Matches the path pattern \`${pattern}\` (may contain "/").` } : {}),
    };
  });
}

/**
 * Query parameters for the fields neither the path nor the body carries, as dotted lowerCamel
 * names (`pagination.offset`), following singular messages down to MAX_QUERY_DEPTH. Lists of
 * messages and maps cannot be written as query parameters and are left out.
 */
function queryParameters(
  message: DescMessage,
  bound: ReadonlySet<string>,
  components: Components,
  prefix = { proto: '', json: '' },
  depth = 0,
): JsonSchema[] {
  return message.fields.flatMap((field): JsonSchema[] => {
    const proto = prefix.proto + field.name;
    const json = prefix.json + field.jsonName;
    if (bound.has(proto)) return [];
    if (isUrlSettable(field)) {
      return [{ name: json, in: 'query', required: false, schema: fieldSchema(field, components) }];
    }
    if (field.fieldKind !== 'message' || depth + 1 >= MAX_QUERY_DEPTH) return [];
    return queryParameters(field.message, bound, components, { proto: `${proto}.`, json: `${json}.` }, depth + 1);
  });
}

function requestBody(route: RestRoute, components: Components): JsonSchema | undefined {
  if (!route.body) return undefined;
  const { input } = route.method;
  const schema =
    route.body === '*'
      ? messageSchema(input, components)
      : fieldSchema(input.fields.find((f) => f.name === route.body)!, components);
  return { required: route.body !== '*', content: { 'application/json': { schema } } };
}

function responseSchema(route: RestRoute, components: Components): JsonSchema {
  const { output } = route.method;
  if (!route.responseBody) return messageSchema(output, components);
  return fieldSchema(output.fields.find((f) => f.name === route.responseBody)!, components);
}

function operationDocs(route: RestRoute): JsonSchema {
  const option = hasOption(route.method, openapiv2_operation)
    ? getOption(route.method, openapiv2_operation)
    : undefined;
  const deprecated = route.method.deprecated || option?.deprecated;
  return {
    summary: option?.summary || route.method.name,
    ...(option?.description ? { description: option.description } : {}),
    ...(deprecated ? { deprecated: true } : {}),
  };
}

function operation(route: RestRoute, operationId: string, components: Components): JsonSchema {
  const { method } = route;
  // Fields the path binds, and with a named body that field, are not query parameters.
  const bound = new Set(route.template.variables.map((v) => fieldPathProtoName(method.input, v)));
  if (route.body && route.body !== '*') bound.add(route.body);
  const query = route.body === '*' ? [] : queryParameters(method.input, bound, components);
  const body = requestBody(route, components);
  return {
    operationId,
    tags: [method.parent.typeName],
    ...operationDocs(route),
    parameters: [...pathParameters(route, components), ...query],
    ...(body ? { requestBody: body } : {}),
    responses: {
      [String(route.successStatus)]: {
        description: route.successStatus === 201 ? 'Created' : 'OK',
        content: { 'application/json': { schema: responseSchema(route, components) } },
      },
      default: { description: 'Error', content: { 'application/json': { schema: schemaRef(ERROR_SCHEMA) } } },
    },
    'x-grpc-method': `/${method.parent.typeName}/${method.name}`,
  };
}

/** `zitadel.user.v2.UserService.GetUserByID`, with a counter for a method's further bindings. */
function uniqueOperationId(route: RestRoute, taken: Set<string>): string {
  const base = `${route.method.parent.typeName}.${route.method.name}`;
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}_${n}`;
  taken.add(id);
  return id;
}

function serviceTag(service: DescService): JsonSchema {
  const description = hasOption(service, openapiv2_tag) ? getOption(service, openapiv2_tag).description : '';
  return { name: service.typeName, ...(description ? { description } : {}) };
}

/**
 * An OpenAPI 3.1 document for the REST surface, generated from the same descriptors and
 * google.api.http bindings the transcoder serves, so the two cannot drift apart.
 */
export function buildOpenApi(
  services: readonly RestService[],
  info: OpenApiInfo,
  options: { extraBindings?: readonly ExtraBinding[] } = {},
): object {
  const components: Components = new Map();
  const paths: Record<string, Record<string, JsonSchema>> = {};
  const operationIds = new Set<string>();
  const routes = collectRoutes(services, options.extraBindings);
  for (const route of routes) {
    const verb = route.httpMethod.toLowerCase();
    const item = (paths[toOpenApiPath(route.template)] ??= {});
    // First binding wins, as in the router (extra bindings come first).
    if (!OPENAPI_VERBS.has(verb) || item[verb]) continue;
    item[verb] = operation(route, uniqueOperationId(route, operationIds), components);
  }
  const tagged = [...new Set(routes.map((r) => r.method.parent))];
  components.set(ERROR_SCHEMA, errorSchema);
  return {
    openapi: '3.1.0',
    info: { title: info.title, version: info.version },
    ...(info.serverUrl ? { servers: [{ url: info.serverUrl }] } : {}),
    tags: tagged.map(serviceTag),
    paths,
    components: {
      schemas: Object.fromEntries([...components].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'A personal access token or an OIDC access token.' },
      },
    },
  };
}
