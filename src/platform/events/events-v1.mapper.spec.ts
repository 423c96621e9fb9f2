import { create, toJson } from '@bufbuild/protobuf';
import { ChangeSchema } from '@zitadel/proto/zitadel/change_pb.js';
import { EventSchema } from '@zitadel/proto/zitadel/event_pb.js';
import { limitOf, MAX_EVENTS } from './event-reads.js';
import type { EventRow } from './event-queries.js';
import { changeV1, eventV1 } from './events-v1.mapper.js';

const row: EventRow = {
  aggregateType: 'user',
  aggregateId: 'u1',
  sequence: 3n,
  position: 42n,
  type: 'user.human.profile.changed',
  payload: { givenName: 'Eva' },
  creator: 'admin1',
  resourceOwner: 'org1',
  createdAt: new Date('2026-02-03T04:05:06.789Z'),
};

describe('events v1 mapping', () => {
  it('shows an event with ZITADEL names, its localized keys, editor and payload', () => {
    expect(toJson(EventSchema, create(EventSchema, eventV1(row)))).toEqual({
      editor: { userId: 'admin1' },
      aggregate: {
        id: 'u1',
        type: { type: 'user', localized: { key: 'AggregateTypes.user', localizedMessage: 'user' } },
        resourceOwner: 'org1',
      },
      sequence: '3',
      creationDate: '2026-02-03T04:05:06.789Z',
      payload: { givenName: 'Eva' },
      type: {
        type: 'user.human.profile.changed',
        localized: { key: 'EventTypes.user.human.profile.changed', localizedMessage: 'user.human.profile.changed' },
      },
    });
  });

  it('shows a change with its editor and owner', () => {
    expect(toJson(ChangeSchema, create(ChangeSchema, changeV1(row)))).toMatchObject({
      changeDate: '2026-02-03T04:05:06.789Z',
      eventType: { key: 'EventTypes.user.human.profile.changed' },
      sequence: '3',
      editorId: 'admin1',
      resourceOwnerId: 'org1',
    });
  });

  it("caps the limit at ZITADEL's 1000; 0 means the cap", () => {
    expect(limitOf(0)).toBe(MAX_EVENTS);
    expect(limitOf(5000)).toBe(MAX_EVENTS);
    expect(limitOf(10)).toBe(10);
  });
});
