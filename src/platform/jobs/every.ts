/**
 * Runs `task` every `ms` in this process until the returned function stops it. The timer never
 * keeps the process alive, and a failed run is reported to `failed` (the next run comes anyway).
 */
export function every(ms: number, task: () => Promise<unknown>, failed: (err: unknown) => void): () => void {
  const timer = setInterval(() => {
    task().catch(failed);
  }, ms);
  timer.unref();
  return () => clearInterval(timer);
}
