/**
 * A call's cancellation by its client, with the AbortSignal made only when someone asks for it:
 * few calls look at their signal, and an AbortController per request is a measurable part of a
 * small call's CPU.
 */
export class CallCancellation {
  private controller: AbortController | undefined;
  private cancelled = false;

  /** The client went away: aborts the signal handed out, or the one handed out later. */
  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.controller?.abort();
  }

  get signal(): AbortSignal {
    this.controller ??= new AbortController();
    if (this.cancelled && !this.controller.signal.aborted) this.controller.abort();
    return this.controller.signal;
  }
}
