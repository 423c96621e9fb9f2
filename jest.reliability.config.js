// The reliability suite: crash recovery, two processes on one database, fuzzing, brute force and
// graceful shutdown. Short by default (CI); PORTCULLIS_RELIABILITY=long runs the long mode.
import { database } from './jest.config.js';

const long = process.env.PORTCULLIS_RELIABILITY === 'long';

export default {
  ...database,
  testMatch: ['<rootDir>/test/reliability/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: long ? 1_800_000 : 150_000,
  // Each file boots servers and drives load: one at a time keeps timings (and the machine) sane.
  maxWorkers: 1,
};
