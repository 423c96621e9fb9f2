import { aggregateRuns, type EventInput } from './event-store.js';

const event = (aggregateId: string, type: string): EventInput => ({
  aggregateType: 'session',
  aggregateId,
  type,
  resourceOwner: 'o1',
});

describe('aggregateRuns', () => {
  it('keeps consecutive events of one aggregate together and the order of all events', () => {
    const runs = aggregateRuns([event('a', '1'), event('a', '2'), event('b', '3'), event('a', '4')]);
    expect(runs.map((r) => r.map((e) => `${e.aggregateId}${e.type}`))).toEqual([['a1', 'a2'], ['b3'], ['a4']]);
  });

  it('tells aggregates of different types apart even with the same id', () => {
    const runs = aggregateRuns([event('a', '1'), { ...event('a', '2'), aggregateType: 'user' }]);
    expect(runs).toHaveLength(2);
  });

  it('answers no runs for no events', () => {
    expect(aggregateRuns([])).toEqual([]);
  });
});
