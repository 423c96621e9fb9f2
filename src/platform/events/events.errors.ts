import { NotFound } from '../errors/domain-error.js';

/** A history the caller may not read answers as one that is not there (ids cannot be probed). */
export const historyNotFound = () => NotFound('EVENT-n0tfd', 'not found');
