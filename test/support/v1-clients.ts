import { createAccessTokenInterceptor, createAuthClient } from '@zitadel/node/dist/api/index.js';

/** nice-grpc dials `host:port` (h2c, no TLS) where the test server's base URL has a scheme. */
const grpcTarget = (baseUrl: string) => baseUrl.replace(/^http:\/\//, '');

/** The official Node SDK's v1 auth client over gRPC, calling as the owner of `pat`. */
export function authV1(baseUrl: string, pat: string) {
  return createAuthClient(grpcTarget(baseUrl), createAccessTokenInterceptor(pat));
}
