import {
  getOption,
  hasOption,
  type DescMessage,
  type DescMethod,
  type DescMethodUnary,
  type DescService,
} from '@bufbuild/protobuf';
import { http } from '@zitadel/proto/google/api/annotations_pb.js';
import type { HttpRule } from '@zitadel/proto/google/api/http_pb.js';
import { options as zitadelOptions } from '@zitadel/proto/zitadel/protoc_gen_zitadel/v2/options_pb.js';
import { resolveFieldPath } from './request-fields.js';
import { compareSpecificity, parsePathTemplate, type PathTemplate } from './path-template.js';

/** The parts of a google.api.HttpRule the transcoder uses, in a form easy to write by hand. */
export interface HttpRuleLike {
  /** HTTP method, any case: `get`, `post`, ... or a custom one. */
  readonly verb: string;
  readonly path: string;
  /** `*` (the whole message), a top-level request field name, or empty/absent (no body). */
  readonly body?: string;
  /** A top-level response field to answer with instead of the whole response. */
  readonly responseBody?: string;
}

/**
 * A binding the pinned descriptors lack but newer ZITADEL releases serve (e.g. `CreateUser` at
 * `POST /v2/users/new`). Kept as an explicit table so the difference to the contract is visible.
 */
export interface ExtraBinding {
  readonly method: DescMethod;
  readonly rule: HttpRuleLike;
}

/**
 * A service to serve over REST, optionally under a path prefix: ZITADEL's v1 annotations are
 * relative (`GET /policies/login`) and served under `/admin/v1`, `/management/v1`, ...
 */
export type RestService = DescService | { readonly service: DescService; readonly prefix: string };

export function serviceOf(spec: RestService): DescService {
  return 'kind' in spec ? spec : spec.service;
}

function prefixOf(spec: RestService): string {
  if ('kind' in spec) return '';
  const { prefix } = spec;
  if (prefix && (!prefix.startsWith('/') || prefix.endsWith('/'))) {
    throw new RestBindingError(
      `${spec.service.typeName}: REST prefix "${prefix}" must start with "/" and not end with one`,
    );
  }
  return prefix;
}

export interface RestRoute {
  /** Upper-case HTTP method. */
  readonly httpMethod: string;
  readonly template: PathTemplate;
  readonly method: DescMethodUnary;
  readonly body: string;
  readonly responseBody: string;
  readonly origin: 'annotation' | 'extra';
  /** The HTTP status of a success: 200, or what ZITADEL's descriptor asks for (201 for some creates). */
  readonly successStatus: number;
}

export class RestBindingError extends Error {}

function ruleLike(rule: HttpRule): HttpRuleLike | undefined {
  const { pattern } = rule;
  switch (pattern.case) {
    case 'get':
    case 'put':
    case 'post':
    case 'delete':
    case 'patch':
      return { verb: pattern.case, path: pattern.value, body: rule.body, responseBody: rule.responseBody };
    case 'custom':
      return { verb: pattern.value.kind, path: pattern.value.path, body: rule.body, responseBody: rule.responseBody };
    default:
      return undefined;
  }
}

/** The method's google.api.http rule and its additional_bindings (which do not nest further). */
export function annotatedRules(method: DescMethod): HttpRuleLike[] {
  if (!hasOption(method, http)) return [];
  const rule = getOption(method, http);
  return [rule, ...rule.additionalBindings].flatMap((r) => ruleLike(r) ?? []);
}

function requireTopLevelField(message: DescMessage, name: string, what: string, where: string): void {
  if (!message.fields.some((f) => f.name === name)) {
    throw new RestBindingError(`${where}: ${what} "${name}" is not a field of ${message.typeName}`);
  }
}

function isUnary(method: DescMethod): method is DescMethodUnary {
  return method.methodKind === 'unary';
}

function toRoute(method: DescMethod, rule: HttpRuleLike, origin: RestRoute['origin'], prefix = ''): RestRoute {
  const where = `${method.parent.typeName}.${method.name} ${rule.verb.toUpperCase()} ${prefix}${rule.path}`;
  if (!isUnary(method)) throw new RestBindingError(`${where}: only unary methods can be bound to REST`);
  const template = parsePathTemplate(prefix + rule.path);
  for (const variable of template.variables) {
    if (!resolveFieldPath(method.input, variable)) {
      throw new RestBindingError(`${where}: path variable ${variable} is not a field of ${method.input.typeName}`);
    }
  }
  const body = rule.body ?? '';
  const responseBody = rule.responseBody ?? '';
  if (body && body !== '*') requireTopLevelField(method.input, body, 'body', where);
  if (responseBody) requireTopLevelField(method.output, responseBody, 'response_body', where);
  return {
    httpMethod: rule.verb.toUpperCase(),
    template,
    method,
    body,
    responseBody,
    origin,
    successStatus: successStatusOf(method),
  };
}

/** ZITADEL's `protoc_gen_zitadel.v2.options` http_response.success_code (CreateSession: 201), else 200. */
function successStatusOf(method: DescMethod): number {
  return (hasOption(method, zitadelOptions) && getOption(method, zitadelOptions).httpResponse?.successCode) || 200;
}

/**
 * Every REST route of the given services' unary methods (annotations and additional bindings,
 * under the service's prefix if it has one), plus the extra bindings, which come first so they
 * win a tie with an identical annotation. Throws RestBindingError for a binding that cannot
 * work, so a bad table fails at boot.
 */
export function collectRoutes(services: readonly RestService[], extra: readonly ExtraBinding[] = []): RestRoute[] {
  const annotated = services.flatMap((spec) => {
    const prefix = prefixOf(spec);
    return serviceOf(spec)
      .methods.filter(isUnary)
      .flatMap((m) => annotatedRules(m).map((rule) => toRoute(m, rule, 'annotation', prefix)));
  });
  return [...extra.map((b) => toRoute(b.method, b.rule, 'extra')), ...annotated];
}

/** Routes grouped by HTTP method, most specific template first (a stable sort keeps ties in order). */
export function routingTable(routes: readonly RestRoute[]): Map<string, RestRoute[]> {
  const table = new Map<string, RestRoute[]>();
  for (const route of routes) table.set(route.httpMethod, [...(table.get(route.httpMethod) ?? []), route]);
  for (const list of table.values()) list.sort((a, b) => compareSpecificity(a.template, b.template));
  return table;
}
