import type { JsonObject, MessageInitShape } from '@bufbuild/protobuf';
import type { ChangeSchema } from '@zitadel/proto/zitadel/change_pb.js';
import type { EventSchema } from '@zitadel/proto/zitadel/event_pb.js';
import { ts } from '../rpc/proto-mapping.js';
import { localizedType } from './event-names.js';
import type { EventRow } from './event-queries.js';

// zitadel.event.v1.Event (admin ListEvents) and zitadel.change.v1.Change (List*Changes) <- EventRow.
// The editor is the user id the event recorded (`SYSTEM` for the server's own work); its names
// belong to the users context and are not read here.

export function eventV1(e: EventRow): MessageInitShape<typeof EventSchema> {
  return {
    editor: { userId: e.creator, displayName: '', service: '' },
    aggregate: {
      id: e.aggregateId,
      type: { type: e.aggregateType, localized: localizedType('AggregateTypes', e.aggregateType) },
      resourceOwner: e.resourceOwner,
    },
    sequence: e.sequence,
    creationDate: ts(e.createdAt),
    payload: e.payload as JsonObject,
    type: { type: e.type, localized: localizedType('EventTypes', e.type) },
  };
}

export function changeV1(e: EventRow): MessageInitShape<typeof ChangeSchema> {
  return {
    changeDate: ts(e.createdAt),
    eventType: localizedType('EventTypes', e.type),
    sequence: e.sequence,
    editorId: e.creator,
    resourceOwnerId: e.resourceOwner,
  };
}
