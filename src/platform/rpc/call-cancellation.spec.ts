import { CallCancellation } from './call-cancellation.js';

describe('CallCancellation', () => {
  it('aborts a signal handed out before the client went away', () => {
    const cancellation = new CallCancellation();
    const { signal } = cancellation;
    expect(signal.aborted).toBe(false);
    cancellation.cancel();
    expect(signal.aborted).toBe(true);
  });

  it('hands out an aborted signal when asked after the client went away', () => {
    const cancellation = new CallCancellation();
    cancellation.cancel();
    expect(cancellation.signal.aborted).toBe(true);
  });

  it('hands out one signal per call', () => {
    const cancellation = new CallCancellation();
    expect(cancellation.signal).toBe(cancellation.signal);
  });
});
