import { create } from '@bufbuild/protobuf';
import { timestampFromDate, type Timestamp } from '@bufbuild/protobuf/wkt';
import {
  DetailsSchema,
  ListDetailsSchema,
  type Details,
  type ListDetails,
} from '@zitadel/proto/zitadel/object/v2/object_pb.js';
import {
  ListDetailsSchema as ListDetailsV1Schema,
  ObjectDetailsSchema,
  type ListDetails as ListDetailsV1,
  type ObjectDetails,
} from '@zitadel/proto/zitadel/object_pb.js';
import { PaginationResponseSchema, type PaginationResponse } from '@zitadel/proto/zitadel/filter/v2beta/filter_pb.js';
import type { TextMatch } from '../database/list-query.js';

/** zitadel.object.v2(beta).TextQueryMethod, by number (both versions share it). */
const TEXT_MATCHES: readonly TextMatch[] = [
  'equals',
  'equalsIgnoreCase',
  'startsWith',
  'startsWithIgnoreCase',
  'contains',
  'containsIgnoreCase',
  'endsWith',
  'endsWithIgnoreCase',
];

export function textMatch(method: number): TextMatch {
  return TEXT_MATCHES[method] ?? 'equals';
}

export function ts(date: Date | undefined): Timestamp | undefined {
  return date ? timestampFromDate(date) : undefined;
}

export interface ChangeInfo {
  readonly sequence: bigint;
  readonly changeDate: Date;
  readonly resourceOwner: string;
  readonly creationDate?: Date;
}

export function detailsV2(change: ChangeInfo): Details {
  return create(DetailsSchema, {
    sequence: change.sequence,
    changeDate: ts(change.changeDate),
    resourceOwner: change.resourceOwner,
    creationDate: ts(change.creationDate),
  });
}

export function listDetailsV2(total: bigint): ListDetails {
  return create(ListDetailsSchema, { totalResult: total, timestamp: ts(new Date()) });
}

export function paginationV2beta(total: bigint, limit: number): PaginationResponse {
  return create(PaginationResponseSchema, { totalResult: total, appliedLimit: BigInt(limit) });
}

/** zitadel.v1.ObjectDetails, what every v1 mutation answers and every v1 resource carries. */
export function detailsV1(change: ChangeInfo): ObjectDetails {
  return create(ObjectDetailsSchema, {
    sequence: change.sequence,
    creationDate: ts(change.creationDate),
    changeDate: ts(change.changeDate),
    resourceOwner: change.resourceOwner,
  });
}

/** zitadel.v1.ListDetails: reads are not projected here, so the view is as of now. */
export function listDetailsV1(total: bigint): ListDetailsV1 {
  return create(ListDetailsV1Schema, { totalResult: total, viewTimestamp: ts(new Date()) });
}

/** v1 details of a command whose service answers only its time and owner: no sequence is reported. */
export function detailsAtV1(changeDate: Date | undefined, resourceOwner: string): ObjectDetails {
  return create(ObjectDetailsSchema, { changeDate: ts(changeDate), resourceOwner });
}

/** v1 details of the event a command wrote. */
export function eventDetailsV1(event: {
  readonly sequence: bigint;
  readonly createdAt: Date;
  readonly resourceOwner: string;
}): ObjectDetails {
  return detailsV1({ sequence: event.sequence, changeDate: event.createdAt, resourceOwner: event.resourceOwner });
}
