import type { ActionFunction } from './execution-rules.js';

/** ZITADEL's ClaimPrefix: claims under it are ZITADEL's own and never set by a target. */
const RESERVED_PREFIX = 'urn:zitadel:iam';
/**
 * Registered JWT and OIDC claims a target must not set either: they carry who the token is for,
 * who issued it and when it is valid.
 */
const RESERVED_CLAIMS = new Set([
  'iss',
  'sub',
  'aud',
  'exp',
  'nbf',
  'iat',
  'jti',
  'azp',
  'client_id',
  'scope',
  'nonce',
  'auth_time',
  'amr',
  'acr',
  'at_hash',
  'c_hash',
  'sid',
  'act',
  'cnf',
]);

/** What a function target may answer (ZITADEL's ContextInfoResponse of internal/api/oidc and saml). */
export interface FunctionAnswer {
  readonly set_user_metadata?: readonly { readonly key: string; readonly value: string }[];
  readonly append_claims?: readonly { readonly key: string; readonly value: unknown }[];
  readonly append_log_claims?: readonly string[];
  readonly append_attribute?: readonly {
    readonly name: string;
    readonly name_format?: string;
    readonly value: readonly string[];
  }[];
}

/** `urn:zitadel:iam:action:function/preuserinfo:log`: ZITADEL's ClaimActionLogFormat. */
export function logClaimName(fn: ActionFunction): string {
  return `${RESERVED_PREFIX}:action:function/${fn}:log`;
}

/**
 * The claims a function's answer adds, as ZITADEL's userinfoFlows applies it: a reserved claim is
 * passed over silently, one that exists already is kept and logged ("key "x" already exists"),
 * and the log lines (those and the target's own) go into the function's log claim.
 */
export function claimsToAdd(
  existing: Readonly<Record<string, unknown>>,
  answer: FunctionAnswer,
  fn: ActionFunction,
  logs: readonly string[] = [],
): Record<string, unknown> {
  const added: Record<string, unknown> = {};
  const log = [...logs];
  for (const claim of answer.append_claims ?? []) {
    if (typeof claim?.key !== 'string' || claim.key.startsWith(RESERVED_PREFIX) || RESERVED_CLAIMS.has(claim.key))
      continue;
    if (existing[claim.key] !== undefined || added[claim.key] !== undefined) {
      log.push(`key ${JSON.stringify(claim.key)} already exists`);
      continue;
    }
    added[claim.key] = claim.value;
  }
  log.push(...(answer.append_log_claims ?? []).filter((l) => typeof l === 'string'));
  if (log.length) added[logClaimName(fn)] = log;
  return added;
}

/**
 * SAML attributes with a function's answer appended (ZITADEL's appendCustomAttribute): values
 * join an attribute of the same name a target added; the assertion's own attributes are not
 * changed (logged instead), and the log goes into the function's log attribute.
 */
export function attributesWith(
  attributes: Readonly<Record<string, readonly string[]>>,
  answer: FunctionAnswer,
  logs: readonly string[] = [],
): Record<string, string[]> {
  const out: Record<string, string[]> = Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, [...v]]));
  const log = [...logs];
  for (const attribute of answer.append_attribute ?? []) {
    if (typeof attribute?.name !== 'string' || !Array.isArray(attribute.value)) continue;
    if (attributes[attribute.name] !== undefined || attribute.name.startsWith(RESERVED_PREFIX)) {
      log.push(`attribute ${JSON.stringify(attribute.name)} already exists`);
      continue;
    }
    out[attribute.name] = [...(out[attribute.name] ?? []), ...attribute.value.filter((v) => typeof v === 'string')];
  }
  if (log.length) out[logClaimName('presamlresponse')] = log;
  return out;
}
