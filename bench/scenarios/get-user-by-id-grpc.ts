import { createClient } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { loopLoad } from '../harness/load.js';
import { seededUserId } from '../harness/seed.js';
import type { Scenario } from '../harness/types.js';

/** UserService.GetUserByID over gRPC (h2c, one HTTP/2 connection), as @zitadel/client calls it. */
export const getUserByIdGrpc: Scenario = {
  id: 'get-user-by-id-grpc',
  name: 'GetUserByID',
  transport: 'gRPC h2c',
  baseline: 'pg-select',
  async run(target, options) {
    const transport = createGrpcTransport({
      baseUrl: target.baseUrl,
      interceptors: [(next) => (req) => (req.header.set('authorization', `Bearer ${target.adminPat}`), next(req))],
    });
    const users = createClient(UserService, transport);
    const count = Math.min(target.seededUsers, 1000);
    return loopLoad((_w, n) => users.getUserByID({ userId: seededUserId(1 + (n % count)) }), options);
  },
};
