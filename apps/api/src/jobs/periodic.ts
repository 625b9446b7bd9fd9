/** What a periodic job's run may ask: whether the job was stopped, to end between batches. */
export interface JobState {
  readonly stopped: boolean;
}

export interface PeriodicJob<T> {
  /** Runs now, or joins the run already under way: never two at once. */
  runOnce(): Promise<T>;
  /** Stops the timer and waits for a run in progress (which ends at its next check of `stopped`). */
  stop(): Promise<void>;
}

/**
 * A job run every `intervalMs` (from the end of one run to the start of the
 * next, so runs never overlap), or only by `runOnce` when it is null. The
 * timer does not hold the process open. A failed run is reported and the
 * timer goes on.
 */
export function startPeriodicJob<T>(
  run: (state: JobState) => Promise<T>,
  options: { intervalMs: number | null; onResult?: (result: T) => void; onError?: (error: unknown) => void },
): PeriodicJob<T> {
  const state = { stopped: false };
  let running: Promise<T> | undefined;
  let timer: NodeJS.Timeout | undefined;

  const runOnce = (): Promise<T> => {
    running ??= run(state).finally(() => {
      running = undefined;
    });
    return running;
  };

  const schedule = () => {
    if (state.stopped || options.intervalMs === null) return;
    timer = setTimeout(() => {
      runOnce().then((result) => options.onResult?.(result), (error: unknown) => options.onError?.(error)).finally(schedule);
    }, options.intervalMs);
    timer.unref();
  };
  schedule();

  return {
    runOnce,
    async stop() {
      state.stopped = true;
      clearTimeout(timer);
      await running?.catch(() => {});
    },
  };
}
