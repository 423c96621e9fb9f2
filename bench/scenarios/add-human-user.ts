import { httpLoad } from '../harness/load.js';
import type { Scenario } from '../harness/types.js';

let run = 0;

/** UserService.AddHumanUser over REST: one new user (row + event, unique username) per request, no password. */
export const addHumanUser: Scenario = {
  id: 'add-human-user',
  name: 'AddHumanUser',
  transport: 'REST h1',
  baseline: 'pg-insert',
  async run(target, options) {
    const prefix = `ahu${Date.now().toString(36)}${run++}`;
    let n = 0;
    return httpLoad(
      {
        method: 'POST',
        url: `${target.baseUrl}/v2/users/human`,
        headers: { authorization: `Bearer ${target.adminPat}` },
        body: () => {
          const username = `${prefix}-${n++}`;
          return JSON.stringify({
            username,
            organization: { orgId: target.orgId },
            profile: { givenName: 'Bench', familyName: 'User' },
            email: { email: `${username}@example.com`, isVerified: true },
          });
        },
      },
      options,
    );
  },
};
