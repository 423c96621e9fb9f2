import type { MessageInitShape } from '@bufbuild/protobuf';
import type { ListDetailsSchema } from '@zitadel/proto/zitadel/object_pb.js';
import { ts } from './proto-mapping.js';

/** v1's ListDetails (zitadel.v1): the total, and when the answer was read (our reads are never stale). */
export function listDetailsV1(total: bigint): MessageInitShape<typeof ListDetailsSchema> {
  return { totalResult: total, viewTimestamp: ts(new Date()) };
}
