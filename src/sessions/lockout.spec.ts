import { afterFailedCheck } from './lockout.store.js';

describe('the lockout rule', () => {
  it.each([
    // failures before, max attempts, failures after, locks
    [0, 0, 1, false],
    [41, 0, 42, false],
    [0, 3, 1, false],
    [1, 3, 2, false],
    [2, 3, 3, true],
    [0, 1, 1, true],
    [5, 3, 6, true],
  ])('with %i failures and a maximum of %i: %i failures, locks: %s', (before, max, after, lock) => {
    expect(afterFailedCheck(before, max)).toEqual({ failures: after, lock });
  });
});
