import type { HandlerContext } from '@connectrpc/connect';
import { authenticatedCallerOf, type AuthenticatedCaller } from './call-context.js';

/** ZITADEL's v1 org context header (management API). */
export const V1_ORG_HEADER = 'x-zitadel-orgid';

/**
 * The org a v1 management call works in: the `x-zitadel-orgid` header, else the caller's own
 * org. Resources of any other org are not found there, whatever the caller may see elsewhere.
 */
export function v1OrgOf(ctx: HandlerContext): { caller: AuthenticatedCaller; orgId: string } {
  const caller = authenticatedCallerOf(ctx);
  return { caller, orgId: ctx.requestHeader.get(V1_ORG_HEADER)?.trim() || caller.principal.orgId };
}
