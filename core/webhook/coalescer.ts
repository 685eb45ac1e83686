/**
 * Burst control for `refresh` signals, pure (the caller passes the time and reports what it saw):
 * the first push for an app is signalled at once; while the app works on it (resolves the branch,
 * runs the sync), further pushes merge into one pending signal, sent when the app has settled or
 * after `settleTimeoutMs`. A burst of any size thus costs an app at most two signals per sync.
 * At most `maxApps` apps are tracked; pushes for more are signalled untracked (the app's own single
 * pending-refresh slot still coalesces them).
 */

/** What to do with a push for one app. */
export type PushDecision = 'signal' | 'merged' | 'untracked';

export interface CoalescerOptions {
  /** Most apps tracked at once. @default 10_000 */
  maxApps?: number;
  /** An app not seen settling this long after its signal gets its pending signal anyway. @default 60_000 */
  settleTimeoutMs?: number;
}

interface Entry<T> {
  /** When the last signal to this app was sent. */
  since: number;
  /** The reason of the newest merged push, when one waits. */
  pending?: T;
}

/** `T` is what a signal carries (its reason; who sent the push). */
export class RefreshCoalescer<T = string> {
  readonly maxApps: number;
  readonly settleTimeoutMs: number;
  readonly #apps = new Map<string, Entry<T>>();

  constructor(options: CoalescerOptions = {}) {
    this.maxApps = options.maxApps ?? 10_000;
    this.settleTimeoutMs = options.settleTimeoutMs ?? 60_000;
  }

  /** A push for `app` at `now`: `signal` (send it now), `merged` (it waits), or `untracked` (send it, too many apps). */
  push(app: string, reason: T, now: number): PushDecision {
    const entry = this.#apps.get(app);
    if (entry) {
      entry.pending = reason;
      return 'merged';
    }
    if (this.#apps.size >= this.maxApps) return 'untracked';
    this.#apps.set(app, { since: now });
    return 'signal';
  }

  /**
   * The app has settled (or its settle timeout passed): the reason of the pending signal to send
   * now, the app staying tracked until that one settles too; undefined when none waits (the app is
   * then forgotten).
   */
  settled(app: string, now: number): T | undefined {
    const entry = this.#apps.get(app);
    if (!entry) return undefined;
    const reason = entry.pending;
    if (reason === undefined) {
      this.#apps.delete(app);
      return undefined;
    }
    this.#apps.set(app, { since: now });
    return reason;
  }

  /** A signal could not be sent (the app is gone): forget the app and anything pending for it. */
  forget(app: string): void {
    this.#apps.delete(app);
  }

  /** Tracked apps whose settle timeout has passed at `now`. */
  expired(now: number): string[] {
    return [...this.#apps].filter(([, e]) => now - e.since >= this.settleTimeoutMs).map(([app]) => app);
  }

  /** Tracked apps (a signal sent, not yet seen settled). */
  tracked(): string[] {
    return [...this.#apps.keys()];
  }

  /** True when a merged push waits for `app`. */
  hasPending(app: string): boolean {
    return this.#apps.get(app)?.pending !== undefined;
  }
}
