// Sessions' reads live in sessions.queries.ts; the login pages still import them from here.
export * from './sessions.queries.js';
