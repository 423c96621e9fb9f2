import { randomUUID } from 'node:crypto';
import type { DescMethod, Message } from '@bufbuild/protobuf';
import { Code, ConnectError, type Interceptor } from '@connectrpc/connect';
import type { Logger } from 'pino';
import { assertMethodAllowed } from '../auth/auth.errors.js';
import type { Principal } from '../auth/principal.js';
import { Authenticator } from '../auth/authenticator.js';
import type { SystemTokenVerifier } from '../auth/system-token.js';
import { hasPermission } from '../authz/permissions.js';
import { systemRolesGrant } from '../authz/system-permissions.js';
import { InvalidArgument, PermissionDenied } from '../errors/domain-error.js';
import { isServerFault, toConnectError } from '../errors/wire-errors.js';
import { instanceBucket, rateLimitedError, type RateLimiter } from '../http/rate-limit.js';
import { Metrics } from '../observability/metrics.js';
import type { Instance } from '../tenancy/instance.entity.js';
import { InstanceResolver } from '../tenancy/instance-resolver.js';
import { requestHosts } from '../tenancy/request-host.js';
import { INSTANCE, ORIGIN, PEER_ADDRESS, PRINCIPAL, REQUEST_ID, SYSTEM_PRINCIPAL } from './call-context.js';
import { bridgedMethodPaths } from './bridged-methods.js';
import { RpcRegistry, isSystemAccess } from './registry.js';
import { validateMessage } from './validation.js';

export interface PipelineDeps {
  registry: RpcRegistry;
  resolver: InstanceResolver;
  authenticator: Authenticator;
  /** Checks the JWTs of system API users on system methods. */
  systemTokens: SystemTokenVerifier;
  metrics: Metrics;
  log: Logger;
  /** Per-IP limits on the methods of RATE_LIMITED; none when absent. */
  rateLimiter?: RateLimiter;
  /** What runs around each call once it is validated (Actions v2 request and response executions). */
  executions?: CallExecutions;
}

/** One authenticated, validated call, as the executions around it see it. */
export interface ExecutedCall {
  readonly instance: Instance;
  readonly principal: Principal | undefined;
  readonly method: DescMethod;
  /** `/package.Service/Method`. */
  readonly fullMethod: string;
}

/**
 * Calls out before and after a method runs, and may replace its request or response. A replaced
 * request is validated again by the same rules as the caller's; a failure stops the call before
 * the handler runs, so nothing is written.
 */
export interface CallExecutions {
  request(call: ExecutedCall, request: Message): Promise<Message>;
  response(call: ExecutedCall, request: Message, response: Message): Promise<Message>;
}

/** Per-IP buckets and the methods drawing from them: credential checks, and one-time code checks. */
const LIMITED_METHODS: readonly { bucket: string; methods: readonly string[] }[] = [
  { bucket: 'session', methods: bridgedMethodPaths('session', 'SessionService', ['CreateSession', 'SetSession']) },
  {
    bucket: 'code',
    methods: bridgedMethodPaths('user', 'UserService', [
      'VerifyEmail',
      'VerifyPhone',
      'VerifyInviteCode',
      'SetPassword',
      'RegisterPasskey',
    ]),
  },
];

/**
 * Methods that check credentials or codes, limited per client IP before any work (authentication,
 * argon2) is done, and the bucket each draws from: in v2 and in the v2beta the bridge serves with
 * the same handlers (or v2beta would be a way around the limit). The OIDC token endpoint uses the
 * same limiter.
 */
export const RATE_LIMITED: ReadonlyMap<string, string> = new Map(
  LIMITED_METHODS.flatMap(({ bucket, methods }) => methods.map((method): [string, string] => [method, bucket])),
);

/** Request id, logging and metrics; every error leaves as a ConnectError with ZITADEL's shape. */
function observe({ metrics, log }: PipelineDeps): Interceptor {
  return (next) => async (req) => {
    const requestId = req.header.get('x-request-id') || randomUUID();
    req.contextValues.set(REQUEST_ID, requestId);
    const started = process.hrtime.bigint();
    const rpc = `${req.service.typeName}/${req.method.name}`;
    const transport = req.header.get('x-portcullis-transport') ?? 'rpc';
    let code = 'ok';
    try {
      const res = await next(req);
      res.header.set('x-request-id', requestId);
      return res;
    } catch (err) {
      const wire = toConnectError(err);
      wire.metadata.set('x-request-id', requestId);
      code = Code[wire.code];
      if (isServerFault(wire)) log.error({ err: wire.cause ?? wire, requestId, rpc }, 'request failed');
      throw wire;
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.observe(transport, rpc, code, seconds);
      log.debug({ requestId, rpc, transport, code, ms: Math.round(seconds * 1000) }, 'rpc');
    }
  };
}

/** RESOURCE_EXHAUSTED (REST: 429 + Retry-After) when the caller's IP is over the method's limit on this instance. */
function rateLimit({ rateLimiter }: PipelineDeps): Interceptor {
  return (next) => async (req) => {
    const bucket = rateLimiter?.enabled ? RATE_LIMITED.get(`${req.service.typeName}/${req.method.name}`) : undefined;
    if (bucket) {
      const instance = req.contextValues.get(INSTANCE);
      const decision = rateLimiter!.take(instanceBucket(bucket, instance?.id), req.contextValues.get(PEER_ADDRESS));
      if (!decision.allowed) throw rateLimitedError(decision);
    }
    return next(req);
  };
}

/**
 * Finds the instance from the instance host (`x-zitadel-instance-host`, else HTTP/1.1 Host or
 * HTTP/2 :authority) and the origin from the public host (`x-zitadel-public-host`).
 */
function tenancy({ resolver, registry }: PipelineDeps): Interceptor {
  return (next) => async (req) => {
    if (registry.binding(req.service.typeName)?.instanceless) return next(req);
    if (isSystemAccess(registry.accessFor(req.method)) || registry.isInstancelessPublic(req.method)) return next(req);
    const connectionHost = req.header.get('host') ?? new URL(req.url).host; // HTTP/2: the URL carries :authority
    const site = await resolver.resolveRequest(requestHosts((name) => req.header.get(name), connectionHost));
    req.contextValues.set(INSTANCE, site.instance);
    req.contextValues.set(ORIGIN, site.origin);
    return next(req);
  };
}

/** Authentication and the method-level permission check, from the handler's access table. */
function authorize({ registry, authenticator, systemTokens }: PipelineDeps): Interceptor {
  return (next) => async (req) => {
    const access = registry.accessFor(req.method);
    if (access === undefined) {
      throw new ConnectError(`${req.service.typeName}.${req.method.name} is not implemented yet`, Code.Unimplemented);
    }
    // System methods take system API users only, and system API users reach nothing else: their
    // JWTs are no credential any instance strategy accepts.
    if (isSystemAccess(access)) {
      const system = await systemTokens.verify(req.header.get('authorization'));
      if (!systemRolesGrant(system.roles, access.system))
        throw PermissionDenied('AUTHZ-sy5p1', `no permission: ${access.system} required`);
      req.contextValues.set(SYSTEM_PRINCIPAL, system);
      return next(req);
    }
    if (access === 'public' && !req.contextValues.get(INSTANCE)) return next(req);
    const instance = req.contextValues.get(INSTANCE)!;
    const authorization = req.header.get('authorization');
    if (access === 'public' && !authorization) return next(req);
    const principal = await authenticator.authenticate(authorization, instance, {
      method: req.requestMethod,
      url: req.url,
      dpop: req.header.get('dpop'),
    });
    req.contextValues.set(PRINCIPAL, principal);
    if (access === 'public') return next(req);
    // A limited caller (a session still owing a sign-in step) reaches only the methods of that
    // step; public methods it may call as anyone may (it holds no roles to bring along).
    assertMethodAllowed(principal, `${req.service.typeName}/${req.method.name}`);
    if (typeof access === 'object' && !hasPermission(principal.grants, instance.id, access.permission)) {
      throw PermissionDenied('AUTHZ-Bq8n1', `no permission: ${access.permission} required`);
    }
    return next(req);
  };
}

/**
 * The path of the first string (or map key) holding U+0000, which PostgreSQL can store in
 * neither text nor jsonb: such a request used to reach the database and answer INTERNAL (found by
 * test/reliability/fuzz.test.ts with GET /v2/sessions/{id}). Bytes fields are not strings.
 */
export function nulCharacterAt(value: unknown, path = '', depth = 0): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path || '(request)' : undefined;
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array || depth > 100) return undefined;
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  for (const [key, item] of entries) {
    if (key === '$typeName') continue;
    const at = path ? `${path}.${key}` : key;
    if (key.includes('\u0000')) return at;
    const found = nulCharacterAt(item, at, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** INVALID_ARGUMENT naming the fields of a request that break the contract's own field rules. */
function assertValidRequest(method: DescMethod, message: Message): void {
  const nul = nulCharacterAt(message);
  if (nul) {
    const description = 'must not contain NUL (U+0000) characters';
    throw InvalidArgument('VALID-nu11c', `invalid request: ${nul}: ${description}`, [{ field: nul, description }]);
  }
  const violations = validateMessage(method.input, message);
  if (violations.length) {
    const summary = violations.map((v) => `${v.field}: ${v.description}`).join('; ');
    throw InvalidArgument('VALID-f13ld', `invalid request: ${summary}`, violations);
  }
}

/** The contract's own field rules (validate.rules), checked before any service code runs. */
function validate(): Interceptor {
  return (next) => async (req) => {
    if (!req.stream) assertValidRequest(req.method, req.message);
    return next(req);
  };
}

/**
 * Request and response executions of unary calls made on an instance: after validation, so a
 * target sees only requests the contract allows; a request a target replaced is validated again.
 */
function execute({ executions }: PipelineDeps): Interceptor {
  return (next) => async (req) => {
    const instance = req.contextValues.get(INSTANCE);
    if (!executions || req.stream || !instance) return next(req);
    const call: ExecutedCall = {
      instance,
      principal: req.contextValues.get(PRINCIPAL),
      method: req.method,
      fullMethod: `/${req.service.typeName}/${req.method.name}`,
    };
    const message = await executions.request(call, req.message);
    if (message !== req.message) assertValidRequest(req.method, message);
    const res = await next(message === req.message ? req : { ...req, message });
    if (res.stream) return res;
    const answer = await executions.response(call, message, res.message);
    return answer === res.message ? res : { ...res, message: answer };
  };
}

/** The interceptors every RPC passes through, on every transport, in order. */
export function createPipeline(deps: PipelineDeps): Interceptor[] {
  return [observe(deps), tenancy(deps), rateLimit(deps), authorize(deps), validate(), execute(deps)];
}
