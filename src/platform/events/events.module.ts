import { Module } from '@nestjs/common';
import { EventQueries } from './event-queries.js';
import { EventReads } from './event-reads.js';
import { EventsV1Handler } from './events-v1.handler.js';

/** The read side of the audit trail: admin ListEvents & co and the v1 change lists. */
@Module({
  providers: [EventQueries, EventReads, EventsV1Handler],
  exports: [EventQueries],
})
export class EventsModule {}
