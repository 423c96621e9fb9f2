/** Nest token of the process's pino logger (its own file so platform services can inject it without a cycle). */
export const LOGGER = Symbol('LOGGER');
