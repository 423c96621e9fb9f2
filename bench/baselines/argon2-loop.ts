// The argon2id verify loop of bench/baselines/argon2.ts, run as its own process so that libuv's
// thread pool (where @node-rs/argon2 verifies) has the size the server's CLI gives its own:
// the pool reads UV_THREADPOOL_SIZE once, when it starts. Prints the LoadResult as JSON.
import { hash, verify } from '@node-rs/argon2';
import { loopLoad } from '../harness/load.js';
import { SERVER_ARGON2 } from './argon2.js';

const [seconds, connections, warmupSeconds] = process.argv.slice(2).map(Number);
const stored = await hash('Bench-Passw0rd!', SERVER_ARGON2);
const result = await loopLoad(
  async () => {
    if (!(await verify(stored, 'Bench-Passw0rd!'))) throw new Error('argon2 verify failed');
  },
  { seconds, connections, warmupSeconds, cpuOf: [process.pid] },
);
process.stdout.write(`${JSON.stringify(result)}\n`);
