/**
 * Single flight: concurrent callers asking for the same key share one running promise. The work
 * gets its own AbortSignal, aborted only when every waiting caller has aborted; a caller that
 * aborts stops waiting at once while the others keep the work alive.
 */

interface Flight<T> {
  promise: Promise<T>;
  readonly controller: AbortController;
  waiters: number;
}

/** A map of in-flight promises by key. */
export class SingleFlight<T> {
  readonly #flights = new Map<string, Flight<T>>();

  /** Runs `work` for `key`, or joins the run already in flight. */
  run(key: string, work: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    const flight = this.#flights.get(key) ?? this.#start(key, work);
    flight.waiters += 1;
    if (!signal) return flight.promise;
    return new Promise<T>((resolve, reject) => {
      const onAbort = (): void => {
        flight.waiters -= 1;
        if (flight.waiters === 0) {
          this.#forget(key, flight);
          flight.controller.abort(signal.reason);
        }
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      flight.promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  #start(key: string, work: (signal: AbortSignal) => Promise<T>): Flight<T> {
    const flight: Flight<T> = {
      promise: Promise.resolve() as Promise<T>,
      controller: new AbortController(),
      waiters: 0,
    };
    flight.promise = work(flight.controller.signal).finally(() => this.#forget(key, flight));
    this.#flights.set(key, flight);
    return flight;
  }

  #forget(key: string, flight: Flight<T>): void {
    if (this.#flights.get(key) === flight) this.#flights.delete(key);
  }
}
