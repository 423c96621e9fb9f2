// Sessions' reads live in sessions.queries.ts; only the login pages still import them from here.
export * from './sessions.queries.js';
