import { httpLoad } from '../harness/load.js';
import { seededUserId } from '../harness/seed.js';
import type { BenchTarget, LoadOptions, LoadResult, Scenario } from '../harness/types.js';

/** UserService.GetUserByID over REST (HTTP/1.1 keep-alive) for one of the seeded users, as the admin. */
export function getUserByIdLoad(target: BenchTarget, options: LoadOptions): Promise<LoadResult> {
  return httpLoad(
    {
      method: 'GET',
      url: `${target.baseUrl}/v2/users/${seededUserId(1)}`,
      headers: { authorization: `Bearer ${target.adminPat}` },
    },
    options,
  );
}

/** GetUserByID at the bench's load or at `connections`. */
function getUserByIdAt(id: string, connections?: number): Scenario {
  return { id, name: 'GetUserByID', transport: 'REST h1', baseline: 'pg-select', connections, run: getUserByIdLoad };
}

export const getUserById = getUserByIdAt('get-user-by-id');

/** The same at the bench's load, measured in turns with GetUserByID + webhook (its pair for issue #18's goal). */
export const getUserByIdBesideWebhook = getUserByIdAt('get-user-by-id-beside-webhook');

/** Two connections: the machine is not saturated, so p50 is a request's own latency (the webhook's pair). */
export const getUserByIdLight = getUserByIdAt('get-user-by-id-c2', 2);
