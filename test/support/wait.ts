import { setTimeout as delay } from 'node:timers/promises';

/** Options of `waitFor`. */
export interface WaitOptions {
  /** Give up after this long. @default 60_000 */
  timeoutMs?: number;
  /** Pause between probes. @default 250 */
  intervalMs?: number;
  /** The state to show when the wait fails, e.g. the last status seen. */
  describe?: () => Promise<string> | string;
  /**
   * Checked after each probe that did not succeed: a reason means the condition can no longer
   * come true (the operation failed, the worker exited), and the wait fails at once with it
   * instead of running into its timeout.
   */
  abortIf?: () => Promise<string | undefined> | string | undefined;
}

/**
 * Polls `probe` until it returns a value other than `undefined`, or fails after `timeoutMs` (or as
 * soon as `abortIf` gives a reason) with the last observation in the message. The only way tests
 * wait for the cluster or Temporal.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  options: WaitOptions = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const intervalMs = options.intervalMs ?? 250;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  const fail = async (headline: string): Promise<Error> => {
    const state = options.describe ? await options.describe() : '';
    const cause = lastError instanceof Error ? `; last error: ${lastError.message}` : '';
    return new Error(`${headline}${cause}${state ? `\n${state}` : ''}`);
  };
  for (;;) {
    const probing = { done: false };
    const outcome: Observation<T> = await Promise.race([
      (async (): Promise<Observation<T>> => {
        try {
          const value = await probe();
          if (value !== undefined) return { value };
        } catch (err) {
          lastError = err;
        } finally {
          probing.done = true;
        }
        return {};
      })(),
      // A probe can hang (a query with no worker polling waits for one): keep checking meanwhile.
      watchWhile<T>(probing, { ...options, intervalMs, deadline }),
    ]);
    if (outcome.value !== undefined) return outcome.value;
    const abort = outcome.abort ?? (await options.abortIf?.());
    if (abort !== undefined) throw await fail(`Stopped waiting for ${what}: ${abort}`);
    if (Date.now() >= deadline) throw await fail(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(intervalMs);
  }
}

/** One round of `waitFor`: the probe's value, or why to stop, or neither (probe again). */
interface Observation<T> {
  value?: T;
  abort?: string;
}

/**
 * While a probe runs: resolves with `abortIf`'s reason when it gives one, or empty at the
 * deadline; never resolves once the probe is done (the probe's result wins the race).
 */
async function watchWhile<T>(
  probing: { done: boolean },
  options: Pick<WaitOptions, 'abortIf'> & { intervalMs: number; deadline: number },
): Promise<Observation<T>> {
  while (!probing.done) {
    await delay(options.intervalMs);
    if (probing.done) break;
    const abort = await options.abortIf?.();
    if (abort !== undefined) return { abort };
    if (Date.now() >= options.deadline) return {};
  }
  return await new Promise<never>(() => undefined);
}
