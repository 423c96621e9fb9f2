import {
  createAccessTokenInterceptor,
  createAdminClient,
  createAuthClient,
  createManagementClient,
} from '@zitadel/node/dist/api/index.js';
// nice-grpc is the SDK's own transport (a dependency of @zitadel/node).
import { Metadata, type ClientMiddleware } from 'nice-grpc';

/**
 * The official Node SDK's v1 clients (nice-grpc over @grpc/grpc-js, h2c on the test server's
 * port) with a PAT, as ZITADEL's own examples build them. `orgId` sends ZITADEL's org context
 * header, `x-zitadel-orgid`, on every call.
 */
export function orgContext(orgId: string): ClientMiddleware {
  return async function* (call, options) {
    const metadata = Metadata(options.metadata);
    metadata.set('x-zitadel-orgid', orgId);
    return yield* call.next(call.request, { ...options, metadata });
  };
}

const grpcTarget = (baseUrl: string) => baseUrl.replace(/^http:\/\//, '');

export function managementV1(baseUrl: string, pat: string, orgId?: string) {
  const interceptors = [createAccessTokenInterceptor(pat), ...(orgId ? [orgContext(orgId)] : [])];
  return createManagementClient(grpcTarget(baseUrl), ...interceptors);
}

export function adminV1(baseUrl: string, pat: string) {
  return createAdminClient(grpcTarget(baseUrl), createAccessTokenInterceptor(pat));
}

export function authV1(baseUrl: string, pat: string) {
  return createAuthClient(grpcTarget(baseUrl), createAccessTokenInterceptor(pat));
}
