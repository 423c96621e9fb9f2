import { detailsV1, eventDetailsV1, listDetailsV1 } from './proto-mapping.js';

// zitadel.v1 object messages, shared by every context's v1 edge (auth, management, admin).

/** The v1 details of a change (the settings edge's name for detailsV1). */
export const objectDetailsV1 = detailsV1;

export { eventDetailsV1, listDetailsV1 };
