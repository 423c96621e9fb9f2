import { create, toBinary } from '@bufbuild/protobuf';
import { GetUserByIDRequestSchema } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { grpcFrame, grpcUnaryLoad } from '../harness/grpc-load.js';
import { seededUserId } from '../harness/seed.js';
import type { Scenario } from '../harness/types.js';

/** UserService.GetUserByID over gRPC (h2c, one HTTP/2 connection, as @zitadel/client holds one). */
export const getUserByIdGrpc: Scenario = {
  id: 'get-user-by-id-grpc',
  name: 'GetUserByID',
  transport: 'gRPC h2c',
  baseline: 'pg-select',
  async run(target, options) {
    const count = Math.min(target.seededUsers, 1000);
    const frames = Array.from({ length: count }, (_, i) =>
      grpcFrame(toBinary(GetUserByIDRequestSchema, create(GetUserByIDRequestSchema, { userId: seededUserId(1 + i) }))),
    );
    return grpcUnaryLoad(
      target.baseUrl,
      '/zitadel.user.v2.UserService/GetUserByID',
      { authorization: `Bearer ${target.adminPat}` },
      frames,
      options,
    );
  },
};
