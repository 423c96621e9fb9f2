// Jest runs the TypeScript sources as ESM through SWC (legacy decorators + metadata, as tsc).
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'es6' },
    sourceMaps: 'inline',
  },
];

const shared = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
};

/**
 * Three sizes (docs: STYLE.md, "Tests in three sizes"):
 * - small: pure rules beside the code (src/**\/*.spec.ts, bench/**\/*.spec.ts); no database, so no global setup.
 * - medium: test/medium, services and handlers in-process on a cloned database, no port.
 * - large: the rest of test/, a booted server per file driven over the wire.
 * `npm run test:unit` selects small, `npm run test:medium` medium; `npm test` runs all three.
 * Medium and large share the one PostgreSQL the global setup finds or starts (Jest runs a
 * project's global setup only when one of its tests is selected).
 */
export const database = {
  ...shared,
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
};

export default {
  projects: [
    { ...shared, displayName: 'small', testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/bench/**/*.spec.ts'] },
    { ...database, displayName: 'medium', testMatch: ['<rootDir>/test/medium/**/*.test.ts'] },
    {
      ...database,
      displayName: 'large',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      // The reliability suite (crashes, fuzzing, load) runs on its own: npm run test:reliability.
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/reliability/', '<rootDir>/test/medium/'],
    },
  ],
  testTimeout: 30000,
  maxWorkers: 2,
  // Each test file loads the whole app's module graph again and a worker's heap grows with every
  // file it runs; a worker past this size after a file is replaced instead of running out of memory.
  workerIdleMemoryLimit: '1GB',
};
