// The policies' read side lives in policies.queries.ts; the login pages still import it from here.
export * from './policies.queries.js';
