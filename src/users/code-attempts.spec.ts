import { MAX_CODE_ATTEMPTS, judgeCode } from './code-attempts.js';

const now = new Date('2026-01-01T12:00:00Z');
const later = new Date(now.getTime() + 60_000);
const pending = (failedAttempts: number, expiresAt = later) => ({ failedAttempts, expiresAt });

describe('judgeCode', () => {
  it('allows five wrong tries', () => expect(MAX_CODE_ATTEMPTS).toBe(5));

  it('a right code on a fresh code is right', () => {
    expect(judgeCode(pending(0), true, now)).toEqual({ kind: 'right' });
  });

  it('a right code after four wrong tries is still right', () => {
    expect(judgeCode(pending(4), true, now)).toEqual({ kind: 'right' });
  });

  it('each wrong try counts one more', () => {
    expect(judgeCode(pending(0), false, now)).toEqual({ kind: 'wrong', failedAttempts: 1, spentNow: false });
    expect(judgeCode(pending(3), false, now)).toEqual({ kind: 'wrong', failedAttempts: 4, spentNow: false });
  });

  it('the fifth wrong try spends the code', () => {
    expect(judgeCode(pending(4), false, now)).toEqual({ kind: 'wrong', failedAttempts: 5, spentNow: true });
  });

  it('after five wrong tries even the right code fails: the code is spent', () => {
    expect(judgeCode(pending(5), true, now)).toEqual({ kind: 'spent' });
    expect(judgeCode(pending(5), false, now)).toEqual({ kind: 'spent' });
  });

  it('an expired code is expired, right or wrong, and a wrong try on it is not counted', () => {
    expect(judgeCode(pending(0, now), true, now)).toEqual({ kind: 'expired' });
    expect(judgeCode(pending(2, now), false, now)).toEqual({ kind: 'expired' });
  });

  it('a spent code says spent even once expired (asking for a new one is the answer to both)', () => {
    expect(judgeCode(pending(5, now), true, now)).toEqual({ kind: 'spent' });
  });

  it('no pending code is none', () => {
    expect(judgeCode(undefined, true, now)).toEqual({ kind: 'none' });
  });

  it('takes another maximum when given one', () => {
    expect(judgeCode(pending(1), false, now, 2)).toEqual({ kind: 'wrong', failedAttempts: 2, spentNow: true });
  });
});
