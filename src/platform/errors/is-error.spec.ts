import { FailedPrecondition, NotFound } from './domain-error.js';
import { isError } from './is-error.js';

describe('isError', () => {
  it('matches a domain error by any of the ids given', () => {
    const err = NotFound('TEST-n0t4d', 'not found');
    expect(isError(err, 'TEST-n0t4d')).toBe(true);
    expect(isError(err, 'TEST-0th3r', 'TEST-n0t4d')).toBe(true);
  });

  it('refuses other ids, no ids, and anything that is not a domain error', () => {
    expect(isError(FailedPrecondition('TEST-0th3r', 'other'), 'TEST-n0t4d')).toBe(false);
    expect(isError(NotFound('TEST-n0t4d', 'not found'))).toBe(false);
    const lookalike = Object.assign(new Error('not found'), { id: 'TEST-n0t4d' });
    expect(isError(lookalike, 'TEST-n0t4d')).toBe(false);
    expect(isError(undefined, 'TEST-n0t4d')).toBe(false);
  });
});
