import type { WrittenEvent } from '../events/event-store.js';
import { detailsV1, listDetailsV1 } from './proto-mapping.js';

// zitadel.v1 object messages, shared by every context's v1 edge (auth, management, admin).

/** The v1 details of a change (the settings edge's name for detailsV1). */
export const objectDetailsV1 = detailsV1;

export { listDetailsV1 };

/** The details v1 answers a command with: the last event it wrote. */
export function eventDetailsV1(event: WrittenEvent) {
  return detailsV1({ sequence: event.sequence, changeDate: event.createdAt, resourceOwner: event.resourceOwner });
}
