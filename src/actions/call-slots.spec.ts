import { jest } from '@jest/globals';
import { CallSlots, NoSlotInTime, TooManyWaiting } from './call-slots.js';

describe('CallSlots: a bounded number of target calls at once, each waiting no longer than its timeout', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('a call waiting for a slot longer than it may wait fails as a timeout and leaves the queue', async () => {
    const slots = new CallSlots(1, 10);
    await slots.take(1_000);
    const waiting = slots.take(500);
    expect(slots.load).toEqual({ inFlight: 1, waiting: 1 });
    jest.advanceTimersByTime(500);
    await expect(waiting).rejects.toBeInstanceOf(NoSlotInTime);
    expect(slots.load).toEqual({ inFlight: 1, waiting: 0 });
    // The slot, released, is free again: it went to no caller that had given up.
    slots.release();
    expect(slots.load).toEqual({ inFlight: 0, waiting: 0 });
  });

  it('a slot released in time goes to the first waiting call, whose timer then never fires', async () => {
    const slots = new CallSlots(1, 10);
    await slots.take(1_000);
    const order: string[] = [];
    const first = slots.take(500).then(() => order.push('first'));
    const second = slots.take(500).then(
      () => order.push('second'),
      () => order.push('second gave up'),
    );
    jest.advanceTimersByTime(100);
    slots.release();
    await first;
    jest.advanceTimersByTime(1_000);
    await second;
    expect(order).toEqual(['first', 'second gave up']);
    expect(slots.load).toEqual({ inFlight: 1, waiting: 0 });
  });

  it('beyond the waiting bound a call is refused at once', async () => {
    const slots = new CallSlots(1, 1);
    await slots.take(1_000);
    const queued = slots.take(1_000);
    await expect(slots.take(1_000)).rejects.toBeInstanceOf(TooManyWaiting);
    slots.release();
    await queued;
  });
});
