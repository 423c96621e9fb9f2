// The policies' read side lives in policies.queries.ts; only the login pages still import it from here.
export * from './policies.queries.js';
