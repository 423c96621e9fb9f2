import type { TLSSocket } from 'node:tls';
import {
  createRegistry,
  toJson,
  type DescFile,
  type DescService,
  type JsonValue,
  type Message,
  type Registry,
} from '@bufbuild/protobuf';
import { ConnectError } from '@connectrpc/connect';
import { InvalidArgument } from '../../errors/domain-error.js';
import { toRestError } from '../../errors/wire-errors.js';
import { readBody, sendJson, type HttpRequest, type HttpResponse } from '../../http/http-routes.js';
import { peerAddress } from '../../http/rate-limit.js';
import { CallCancellation } from '../call-cancellation.js';
import { toWhatwgHeaders } from '../request-headers.js';
import type { UnaryInvoker } from '../unary-invoker.js';
import {
  collectRoutes,
  routingTable,
  serviceOf,
  type ExtraBinding,
  type RestRoute,
  type RestService,
} from './http-bindings.js';
import { matchPath } from './path-template.js';
import { RouteIndex } from './route-index.js';
import { decodeRequest } from './request-decoder.js';

export type { ExtraBinding, HttpRuleLike, RestRoute, RestService } from './http-bindings.js';

const ID_BODY_TOO_LARGE = 'REST-b5lg8';

export interface RestHandlerOptions {
  /** The services to serve, each optionally under a path prefix. */
  readonly services: readonly RestService[];
  readonly invoker: UnaryInvoker;
  /** Bindings the pinned descriptors lack; they win over an identical annotated template. */
  readonly extraBindings?: readonly ExtraBinding[];
}

export interface RestHandler {
  /** Answers the request and resolves true, or resolves false (and writes nothing) when no route matches. */
  handle(req: HttpRequest, res: HttpResponse): Promise<boolean>;
  readonly routes: readonly RestRoute[];
}

interface RouteMatch {
  readonly route: RestRoute;
  readonly pathParams: Map<string, string>;
  readonly query: URLSearchParams;
}

/** Every file the services were declared in and everything they import, for `Any` in JSON. */
function contractRegistry(services: readonly DescService[]): Registry {
  const files = new Set<DescFile>();
  const visit = (file: DescFile): void => {
    if (files.has(file)) return;
    files.add(file);
    file.dependencies.forEach(visit);
  };
  for (const s of services) visit(s.file);
  return createRegistry(...files);
}

function splitUrl(rawUrl: string): { path: string; query: URLSearchParams } {
  const q = rawUrl.indexOf('?');
  // Not `new URL`: a path like `//x/y` would be read as a host.
  return q < 0
    ? { path: rawUrl, query: new URLSearchParams() }
    : { path: rawUrl.slice(0, q), query: new URLSearchParams(rawUrl.slice(q + 1)) };
}

function decodedOrUndefined(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

function findRoute(
  table: Map<string, RouteIndex<RestRoute>>,
  httpMethod: string,
  rawUrl: string,
): RouteMatch | undefined {
  const { path, query } = splitUrl(rawUrl);
  const head = path.slice(1).split('/', 2).map(decodedOrUndefined);
  const routes = table.get(httpMethod.toUpperCase());
  if (!routes) return undefined;
  for (const route of routes.candidates(head)) {
    const pathParams = matchPath(route.template, path);
    if (pathParams) return { route, pathParams, query };
  }
  return undefined;
}

function requestUrl(req: HttpRequest, headers: Headers): string {
  const scheme = (req.socket as TLSSocket | undefined)?.encrypted ? 'https' : 'http';
  return `${scheme}://${headers.get('host') ?? 'localhost'}${req.url ?? '/'}`;
}

/** Cancelled when the client goes away before the answer is written. */
function clientGone(res: HttpResponse): CallCancellation {
  const cancellation = new CallCancellation();
  res.once('close', () => {
    if (!res.writableEnded) cancellation.cancel();
  });
  return cancellation;
}

async function requestBody(req: HttpRequest, res: HttpResponse): Promise<Buffer> {
  try {
    return await readBody(req);
  } catch (err) {
    // The rest of the body is never read: close an HTTP/1.1 connection after the answer, or the
    // client (still sending) and the next request on the connection would wait forever.
    if (req.httpVersionMajor === 1 && !res.headersSent)
      (res as import('node:http').ServerResponse).setHeader('connection', 'close');
    // readBody's only own failure is the size limit; a dropped connection never gets an answer anyway.
    throw InvalidArgument(ID_BODY_TOO_LARGE, `request body rejected: ${(err as Error).message}`);
  }
}

function responseJson(route: RestRoute, reply: Message, registry: Registry): JsonValue {
  const json = toJson(route.method.output, reply, { alwaysEmitImplicit: true, registry });
  if (!route.responseBody) return json;
  const field = route.method.output.fields.find((f) => f.name === route.responseBody)!;
  // An unset message field is absent even with alwaysEmitImplicit; protobuf JSON writes that as null.
  return (json as Record<string, JsonValue>)[field.jsonName] ?? null;
}

async function serve(
  match: RouteMatch,
  req: HttpRequest,
  res: HttpResponse,
  invoker: UnaryInvoker,
  registry: Registry,
): Promise<void> {
  const { route } = match;
  const headers = toWhatwgHeaders(req.headers as Record<string, string | string[] | undefined>);
  const message = decodeRequest(
    { input: route.method.input, body: route.body },
    { pathParams: match.pathParams, query: match.query, body: route.body ? await requestBody(req, res) : undefined },
    registry,
  );
  const { message: reply, header } = await invoker.invoke(route.method, message, {
    url: requestUrl(req, headers),
    httpMethod: req.method ?? route.httpMethod,
    headers,
    cancellation: clientGone(res),
    protocolName: 'rest',
    peer: peerAddress(req),
  });
  sendJson(res, route.successStatus, responseJson(route, reply, registry), Object.fromEntries(header));
}

function sendError(res: HttpResponse, err: unknown): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const { status, body } = toRestError(err);
  sendJson(res, status, body, Object.fromEntries(ConnectError.from(err).metadata));
}

/**
 * The REST transcoder: serves every google.api.http binding of the contract's unary methods (and
 * the extra bindings) through the same invoker, hence the same interceptors, as gRPC. One generic
 * piece; no route is written by hand.
 */
export function createRestHandler(options: RestHandlerOptions): RestHandler {
  const routes = collectRoutes(options.services, options.extraBindings);
  const table = new Map(
    [...routingTable(routes)].map(([method, list]) => [method, new RouteIndex(list, (r) => r.template)]),
  );
  const registry = contractRegistry([
    ...options.services.map(serviceOf),
    ...(options.extraBindings ?? []).map((b) => b.method.parent),
  ]);
  return {
    routes,
    async handle(req, res) {
      const match = findRoute(table, req.method ?? 'GET', req.url ?? '/');
      if (!match) return false;
      try {
        await serve(match, req, res, options.invoker, registry);
      } catch (err) {
        sendError(res, err);
      }
      return true;
    },
  };
}
