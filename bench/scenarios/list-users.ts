import { httpLoad } from '../harness/load.js';
import type { Scenario } from '../harness/types.js';

/**
 * UserService.ListUsers in the seeded org (100,000 users in the full run) with a user name filter
 * (starts with, ignoring case), first page of 100, sorted by user name. bench/list-users.ts
 * measures every other filter the same way.
 */
export const listUsers: Scenario = {
  id: 'list-users',
  name: 'ListUsers (name filter)',
  transport: 'REST h1',
  baseline: 'pg-list',
  async run(target, options) {
    return httpLoad(
      {
        method: 'POST',
        url: `${target.baseUrl}/v2/users`,
        headers: { authorization: `Bearer ${target.adminPat}` },
        body: JSON.stringify({
          query: { limit: 100 },
          sortingColumn: 'USER_FIELD_NAME_USER_NAME',
          queries: [
            { organizationIdQuery: { organizationId: target.orgId } },
            { userNameQuery: { userName: 'BENCH-999', method: 'TEXT_QUERY_METHOD_STARTS_WITH_IGNORE_CASE' } },
          ],
        }),
      },
      options,
    );
  },
};
