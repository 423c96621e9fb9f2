import {
  createAccessTokenInterceptor,
  createAdminClient,
  createManagementClient,
  type AdminServiceClient,
  type ManagementServiceClient,
} from '@zitadel/node/dist/api/index.js';
import { Metadata, type ClientMiddleware } from 'nice-grpc';

/** ZITADEL's v1 org context: the `x-zitadel-orgid` header (the Go SDK's CtxSetOrgID). */
function orgHeader(orgId: string): ClientMiddleware {
  return async function* (call, options) {
    const metadata = Metadata(options.metadata).set('x-zitadel-orgid', orgId);
    return yield* call.next(call.request, { ...options, metadata });
  };
}

/** The official Node SDK's v1 management client over gRPC (h2c), authenticated with a PAT. */
export function managementV1(baseUrl: string, pat: string, orgId?: string): ManagementServiceClient {
  const interceptors = [createAccessTokenInterceptor(pat), ...(orgId ? [orgHeader(orgId)] : [])];
  return createManagementClient(baseUrl, ...interceptors);
}

/** The official Node SDK's v1 admin client over gRPC (h2c), authenticated with a PAT. */
export function adminV1(baseUrl: string, pat: string): AdminServiceClient {
  return createAdminClient(baseUrl, createAccessTokenInterceptor(pat));
}

/** A v1 REST call with plain fetch: the status and the parsed JSON body. */
export async function restV1(
  baseUrl: string,
  pat: string,
  method: string,
  path: string,
  body?: unknown,
  orgId?: string,
): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { authorization: `Bearer ${pat}`, 'content-type': 'application/json' };
  if (orgId) headers['x-zitadel-orgid'] = orgId;
  const res = await fetch(baseUrl + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** The gRPC status code a v1 SDK call failed with (nice-grpc's ClientError), or 'ok'. */
export async function v1Code(call: Promise<unknown>): Promise<number | 'ok'> {
  try {
    await call;
    return 'ok';
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code !== 'number') throw err;
    return code;
  }
}
