import { httpLoad } from '../harness/load.js';
import { seededUserId } from '../harness/seed.js';
import type { Scenario } from '../harness/types.js';

/** UserService.GetUserByID over REST (HTTP/1.1 keep-alive), one of the seeded users per request. */
export const getUserById: Scenario = {
  id: 'get-user-by-id',
  name: 'GetUserByID',
  transport: 'REST h1',
  baseline: 'pg-select',
  async run(target, options) {
    return httpLoad(
      {
        method: 'GET',
        url: `${target.baseUrl}/v2/users/${seededUserId(1)}`,
        headers: { authorization: `Bearer ${target.adminPat}` },
      },
      options,
    );
  },
};
