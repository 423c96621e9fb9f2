import { IdGenerator } from './id-generator.js';

describe('IdGenerator', () => {
  it('makes 18-digit, strictly increasing, unique ids', () => {
    const ids = new IdGenerator(7);
    const made = Array.from({ length: 5000 }, () => ids.next());
    expect(new Set(made).size).toBe(made.length);
    for (const id of made) expect(id).toMatch(/^\d{18}$/);
    for (let i = 1; i < made.length; i++) expect(BigInt(made[i]) > BigInt(made[i - 1])).toBe(true);
  });

  it('differs between nodes in the same tick', () => {
    const now = () => Date.UTC(2026, 0, 1);
    expect(new IdGenerator(1, now).next()).not.toBe(new IdGenerator(2, now).next());
  });

  it('stays ordered when the clock goes back', () => {
    let t = Date.UTC(2026, 0, 1);
    const ids = new IdGenerator(1, () => t);
    const a = ids.next();
    t -= 5000;
    expect(BigInt(ids.next()) > BigInt(a)).toBe(true);
  });

  it('rejects node ids outside 16 bits', () => {
    expect(() => new IdGenerator(70000)).toThrow(RangeError);
  });
});
