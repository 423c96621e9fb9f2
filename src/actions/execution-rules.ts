import { type KeyObject, createHmac, randomBytes } from 'node:crypto';

/** What an execution reacts to (ZITADEL's domain.ExecutionType, by its string form). */
export type ExecutionType = 'request' | 'response' | 'function' | 'event';

/**
 * An execution's condition. Its id is ZITADEL's execution aggregate id: the type, then the
 * method (`request/zitadel.user.v2.UserService/GetUserByID`), the service
 * (`request/zitadel.user.v2.UserService`), nothing for all (`request`); `function/<name>`;
 * `event/<type>`, `event/<group>.*`, `event`.
 */
export type Condition =
  | { readonly type: 'request' | 'response'; readonly method: string }
  | { readonly type: 'request' | 'response'; readonly service: string }
  | { readonly type: 'request' | 'response' | 'event'; readonly all: true }
  | { readonly type: 'function'; readonly name: string }
  | { readonly type: 'event'; readonly event: string }
  | { readonly type: 'event'; readonly group: string };

/** ZITADEL's action functions: the points in token and assertion making that call targets. */
export const ACTION_FUNCTIONS = ['preuserinfo', 'preaccesstoken', 'presamlresponse'] as const;
export type ActionFunction = (typeof ACTION_FUNCTIONS)[number];

const GROUP_SUFFIX = '.*';

/** `/package.Service/Method` as ZITADEL lists and matches methods; a leading slash is optional when set. */
function methodPath(method: string): string {
  return method.startsWith('/') ? method : `/${method}`;
}

export function conditionId(c: Condition): string {
  if ('all' in c) return c.type;
  if ('method' in c) return c.type + methodPath(c.method);
  if ('service' in c) return `${c.type}/${c.service}`;
  if ('name' in c) return `function/${c.name}`;
  if ('event' in c) return `event/${c.event}`;
  return `event/${c.group.endsWith(GROUP_SUFFIX) ? c.group : c.group + GROUP_SUFFIX}`;
}

/** The condition an execution id stands for, as ListExecutions shows it (ZITADEL's executionIDToCondition). */
export function conditionOfId(id: string): Condition | undefined {
  const slash = id.indexOf('/');
  const type = (slash < 0 ? id : id.slice(0, slash)) as ExecutionType;
  const rest = slash < 0 ? '' : id.slice(slash + 1);
  switch (type) {
    case 'request':
    case 'response':
      if (!rest) return { type, all: true };
      return rest.includes('/') ? { type, method: `/${rest}` } : { type, service: rest };
    case 'function':
      return rest ? { type, name: rest } : undefined;
    case 'event':
      if (!rest) return { type, all: true };
      return rest.endsWith(GROUP_SUFFIX) ? { type, group: rest.slice(0, -GROUP_SUFFIX.length) } : { type, event: rest };
    default:
      return undefined;
  }
}

/**
 * The ids an RPC's request or response executions may have, most specific first: the method's,
 * its service's, then the one for all calls. The first that exists is the one that runs.
 */
export function callConditionIds(type: 'request' | 'response', fullMethod: string): string[] {
  const path = methodPath(fullMethod);
  const service = path.slice(1, path.lastIndexOf('/'));
  return [type + path, `${type}/${service}`, type];
}

/** A new signing key: 32 random bytes, hex. Shown once on create and on rotation; stored sealed. */
export function newSigningKey(): string {
  return randomBytes(32).toString('hex');
}

/**
 * ZITADEL's `ZITADEL-Signature` header: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`,
 * keyed with the target's signing key. A receiver recomputes it over the raw body and compares in
 * constant time, and refuses a `t` too far from its own clock (replays).
 */
export function signatureHeader(signingKey: string | KeyObject, body: string, now = Date.now()): string {
  const t = Math.floor(now / 1000);
  const v1 = createHmac('sha256', signingKey).update(`${t}.${body}`).digest('hex');
  return `t=${t},v1=${v1}`;
}

/** Why an endpoint cannot be called, or undefined when it is an absolute http(s) URL. */
export function endpointProblem(endpoint: string): string | undefined {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must be an http or https URL';
  if (url.username || url.password) return 'must not carry credentials';
  return undefined;
}
