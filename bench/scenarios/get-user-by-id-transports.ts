import { create, toBinary } from '@bufbuild/protobuf';
import { GetUserByIDRequestSchema } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { grpcCheck, grpcFrame } from '../harness/grpc-load.js';
import { h2loadMissing, nativeLoad } from '../harness/h2load.js';
import { seededUserId } from '../harness/seed.js';
import type { Scenario } from '../harness/types.js';

const GRPC_PATH = '/zitadel.user.v2.UserService/GetUserByID';

/**
 * GetUserByID over REST and over gRPC with one load generator for both (h2load, in C): the other
 * pair drives REST with autocannon and gRPC with node:http2, whose own CPU differs (about 13 % and
 * 25 % of a core) on the two cores the server shares, so only this pair compares the server's two
 * transports. Both ask for the same user; gRPC keeps its calls on one connection (16 streams), as
 * a gRPC client does.
 */
export const getUserByIdRestNative: Scenario = {
  id: 'get-user-by-id-h2load',
  name: 'GetUserByID (one user)',
  transport: 'REST h1 (h2load)',
  unavailable: h2loadMissing,
  run: (target, options) =>
    nativeLoad(
      {
        url: `${target.baseUrl}/v2/users/${seededUserId(1)}`,
        h2c: false,
        streams: 1,
        headers: { authorization: `Bearer ${target.adminPat}` },
      },
      options,
    ),
};

export const getUserByIdGrpcNative: Scenario = {
  id: 'get-user-by-id-grpc-h2load',
  name: 'GetUserByID (one user)',
  transport: 'gRPC h2c (h2load)',
  comparedTo: getUserByIdRestNative.id,
  unavailable: h2loadMissing,
  async run(target, options) {
    const frame = grpcFrame(
      toBinary(GetUserByIDRequestSchema, create(GetUserByIDRequestSchema, { userId: seededUserId(1) })),
    );
    const headers = { authorization: `Bearer ${target.adminPat}` };
    // h2load sees the HTTP status only, which gRPC keeps at 200 for failed calls too.
    await grpcCheck(target.baseUrl, GRPC_PATH, headers, frame);
    return nativeLoad(
      {
        url: `${target.baseUrl}${GRPC_PATH}`,
        h2c: true,
        streams: options.connections,
        headers: { 'content-type': 'application/grpc', te: 'trailers', ...headers },
        body: frame,
      },
      options,
    );
  },
};
