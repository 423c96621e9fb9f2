import { hash, verify } from '@node-rs/argon2';
import { loopLoad } from '../harness/load.js';
import type { Baseline } from '../harness/types.js';

/** Portcullis's default argon2id parameters (PORTCULLIS_PASSWORD_HASH_*): 19 MiB, t=2, p=1. */
const PARAMS = { memoryCost: 19456, timeCost: 2, parallelism: 1 };

/** The floor under CreateSession with a password check: argon2id verifications back to back, as many in flight as the load. */
export const argon2Verify: Baseline = {
  id: 'argon2-verify',
  name: 'bare argon2id verify loop (@node-rs/argon2, 19 MiB, t=2, p=1)',
  async run(_target, options) {
    const stored = await hash('Bench-Passw0rd!', PARAMS);
    return loopLoad(async () => {
      if (!(await verify(stored, 'Bench-Passw0rd!'))) throw new Error('argon2 verify failed');
    }, options);
  },
};
