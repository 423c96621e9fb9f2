import { adminCall } from '../harness/admin-api.js';
import { httpLoad } from '../harness/load.js';
import type { BenchTarget, Scenario } from '../harness/types.js';

export const BENCH_PASSWORD = 'Bench-Passw0rd!';
const USERS = 32;

/** Humans with a password (argon2id with the server's parameters), made through the API. */
async function usersWithPassword(target: BenchTarget): Promise<string[]> {
  const ids: string[] = [];
  const prefix = `cs${Date.now().toString(36)}`;
  for (let i = 0; i < USERS; i++) {
    const { userId } = await adminCall(target, 'POST', '/v2/users/human', {
      username: `${prefix}-${i}`,
      organization: { orgId: target.orgId },
      profile: { givenName: 'Session', familyName: 'User' },
      email: { email: `${prefix}-${i}@example.com`, isVerified: true },
      password: { password: BENCH_PASSWORD, changeRequired: false },
    });
    ids.push(userId);
  }
  return ids;
}

/** SessionService.CreateSession with a user and password check (argon2id 19 MiB, t=2) over REST. */
export const createSession: Scenario = {
  id: 'create-session',
  name: 'CreateSession (password)',
  transport: 'REST h1',
  baseline: 'argon2-verify',
  async run(target, options) {
    const ids = await usersWithPassword(target);
    let n = 0;
    return httpLoad(
      {
        method: 'POST',
        url: `${target.baseUrl}/v2/sessions`,
        headers: { authorization: `Bearer ${target.adminPat}` },
        body: () =>
          JSON.stringify({
            checks: { user: { userId: ids[n++ % ids.length] }, password: { password: BENCH_PASSWORD } },
          }),
      },
      options,
    );
  },
};
