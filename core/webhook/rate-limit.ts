/**
 * A token bucket, pure (the caller passes the time): `burst` requests at once, then `ratePerSecond`
 * on average. A refused request learns how long until a token is back (HTTP `Retry-After`).
 */
/** Refills add up in floating point: 10 × 0.1 must make a whole token. */
const EPSILON = 1e-9;

export class TokenBucket {
  #tokens: number;
  #last: number;

  constructor(
    readonly ratePerSecond: number,
    readonly burst: number,
    now: number,
  ) {
    if (!(ratePerSecond > 0) || !Number.isFinite(ratePerSecond))
      throw new RangeError(`rate must be a positive number of requests per second, got ${ratePerSecond}`);
    if (!Number.isInteger(burst) || burst < 1)
      throw new RangeError(`burst must be a positive integer, got ${burst}`);
    this.#tokens = burst;
    this.#last = now;
  }

  /** Takes a token at `now` (ms): `{ ok: true }`, or the milliseconds until one is available. */
  take(now: number): { ok: true } | { ok: false; retryAfterMs: number } {
    const elapsed = Math.max(0, now - this.#last);
    this.#last = Math.max(this.#last, now);
    this.#tokens = Math.min(this.burst, this.#tokens + (elapsed * this.ratePerSecond) / 1000);
    if (this.#tokens >= 1 - EPSILON) {
      this.#tokens = Math.max(0, this.#tokens - 1);
      return { ok: true };
    }
    return { ok: false, retryAfterMs: Math.ceil(((1 - this.#tokens) * 1000) / this.ratePerSecond) };
  }
}
