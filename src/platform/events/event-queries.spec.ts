import { storedSequence } from './event-queries.js';

describe('storedSequence', () => {
  it('keeps a sequence a row can hold, and bounds a larger uint64 at the largest bigint (after every event)', () => {
    expect(storedSequence(0n)).toBe('0');
    expect(storedSequence(42n)).toBe('42');
    expect(storedSequence(9223372036854775807n)).toBe('9223372036854775807');
    expect(storedSequence(9223372036854775808n)).toBe('9223372036854775807');
    expect(storedSequence(18446744073709551615n)).toBe('9223372036854775807');
  });
});
