import type { MessageInitShape } from '@bufbuild/protobuf';
import type { ListDetailsSchema, ObjectDetailsSchema } from '@zitadel/proto/zitadel/object_pb.js';
import type { WrittenEvent } from '../events/event-store.js';
import { ts, type ChangeInfo } from './proto-mapping.js';

// zitadel.v1 object messages, shared by every context's v1 edge (auth, management, admin).

export function objectDetailsV1(change: ChangeInfo): MessageInitShape<typeof ObjectDetailsSchema> {
  return {
    sequence: change.sequence,
    creationDate: ts(change.creationDate),
    changeDate: ts(change.changeDate),
    resourceOwner: change.resourceOwner,
  };
}

/** The details v1 answers a command with: the last event it wrote. */
export function eventDetailsV1(event: WrittenEvent): MessageInitShape<typeof ObjectDetailsSchema> {
  return objectDetailsV1({ sequence: event.sequence, changeDate: event.createdAt, resourceOwner: event.resourceOwner });
}

/**
 * v1 list details: ZITADEL's projections report how far they had processed; our reads are
 * the tables themselves, current as of the query, so the view timestamp is now.
 */
export function listDetailsV1(total: bigint | number): MessageInitShape<typeof ListDetailsSchema> {
  return { totalResult: BigInt(total), viewTimestamp: ts(new Date()) };
}
