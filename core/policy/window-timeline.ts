/**
 * One sync window laid out in time: whether it is active at an instant, and the next instant its
 * state changes. A window is active at `t` when some start `s` of its schedule (in the window's
 * time zone, so daylight-saving changes move the UTC time of a start) satisfies
 * `s <= t < s + duration`; overlapping runs merge into one. It never decides whether a sync may
 * run (sync-windows.ts does) and never reads a clock: every instant is an argument.
 *
 * Starts are generated forward only, with cron-parser's `next()` from `origin - duration` (a start
 * before that ends before `origin`), so every query must be at or after `origin`. (`next()` is used
 * alone because cron-parser's `prev()` disagrees with it around daylight-saving changes: `next()`
 * runs a start that falls into the spring gap just after it, and a start in the repeated autumn
 * hour once.) Work is bounded: every start generated is charged to a shared {@link CronBudget};
 * when it runs out, a caller gets `undefined` ("not known") instead of an answer, never a wrong one.
 */
import type { CronExpression } from 'cron-parser';
import { parseDuration } from '../../config/duration.js';
import { windowSchedule } from '../../config/sync-window.js';
import type { SyncWindow } from '../../config/policy-types.js';

/** Cron steps left for one evaluation, shared by the timelines of its windows. */
export interface CronBudget {
  steps: number;
}

/** A window with its starts laid out from an origin on; instants are epoch milliseconds. */
export class WindowTimeline {
  readonly window: SyncWindow;
  readonly durationMs: number;
  readonly #cron: CronExpression;
  readonly #budget: CronBudget;
  /** Starts after `origin - duration`, ascending, generated on demand. */
  readonly #starts: number[] = [];
  #exhausted = false;
  /** The last answer of {@link nextChangeAfter}: valid for any `t` in `[from, at)`. */
  #cached: { from: number; at: number } | undefined;
  /**
   * How far the last {@link nextChangeAfter} got: the state holds at least until then, also when
   * the budget ran out before the change was found.
   */
  steadyUntil: number;

  /** @throws {Error} when the window's schedule or duration does not parse (the loader checks both) */
  constructor(window: SyncWindow, options: { origin: number; budget: CronBudget }) {
    this.window = window;
    this.durationMs = parseDuration(window.duration);
    this.#cron = windowSchedule(window, new Date(options.origin - this.durationMs));
    this.#budget = options.budget;
    this.steadyUntil = options.origin;
  }

  /** Generates starts until one is after `t` (or none is left). @throws {BudgetSpent} */
  #extendPast(t: number): void {
    for (let last = this.#starts.at(-1); !this.#exhausted && (last === undefined || last <= t);) {
      if (this.#budget.steps <= 0) throw new BudgetSpent();
      this.#budget.steps -= 1;
      try {
        last = this.#cron.next().getTime();
        this.#starts.push(last);
      } catch {
        this.#exhausted = true; // the schedule has no later start
      }
    }
  }

  /** The index of the first start after `t` (`#starts.length` when none). */
  #firstAfter(t: number): number {
    this.#extendPast(t);
    let [lo, hi] = [0, this.#starts.length];
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.#starts[mid] ?? Infinity) <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  #isActive(t: number): boolean {
    const latest = this.#starts[this.#firstAfter(t) - 1];
    return latest !== undefined && t < latest + this.durationMs;
  }

  /** Whether the window is active at `t` (at or after the origin); undefined when the budget is spent. */
  activeAt(t: number): boolean | undefined {
    return withinBudget(() => this.#isActive(t));
  }

  /**
   * The first instant after `t` at which the window's state differs from its state at `t`, when it
   * is at or before `limit`; undefined when there is none up to `limit` or the budget is spent.
   */
  nextChangeAfter(t: number, limit: number): number | undefined {
    const cached = this.#cached;
    if (cached && cached.from <= t && t < cached.at) return cached.at;
    this.steadyUntil = t;
    const at = withinBudget(() =>
      this.#isActive(t) ? this.#runEnd(t, limit) : this.#starts[this.#firstAfter(t)],
    );
    if (at === undefined || at > limit) return undefined;
    this.#cached = { from: t, at };
    return at;
  }

  /** The end of the run of overlapping occurrences that covers `t` (active at `t`), if before `limit`. */
  #runEnd(t: number, limit: number): number | undefined {
    let end = t;
    for (;;) {
      const latest = this.#starts[this.#firstAfter(end) - 1];
      if (latest === undefined || latest + this.durationMs <= end) return end;
      end = latest + this.durationMs;
      this.steadyUntil = end;
      if (end > limit) return undefined;
    }
  }
}

/** Thrown inside a timeline when its evaluation has used every cron step it was given. */
class BudgetSpent extends Error {
  override readonly name = 'BudgetSpent';
}

function withinBudget<T>(work: () => T): T | undefined {
  try {
    return work();
  } catch (err) {
    if (err instanceof BudgetSpent) return undefined;
    throw err;
  }
}
