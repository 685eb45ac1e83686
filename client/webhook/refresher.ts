/**
 * Sends the `refresh` signals a webhook decides on, through the coalescer: the first push for an
 * app is signalled at once, later ones wait until the app has settled (no workflow task, activity
 * or sync child pending, read from `describe`) and then go out as one signal. One polling loop
 * checks the tracked apps every `pollMs`, a few at a time.
 */
import type { Client } from '@temporalio/client';
import { refreshSignal } from '../../contract/messages.js';
import type { InitiatorIdentity } from '../../contract/messages.js';
import { RefreshCoalescer } from '../../core/webhook/coalescer.js';
import type { PushDecision } from '../../core/webhook/coalescer.js';

/** What a `refresh` signal says: why, and who pushed. */
export interface RefreshNote {
  reason: string;
  initiator?: InitiatorIdentity;
}

/** How the refresher reaches the apps; Temporal in production ({@link temporalTarget}). */
export interface RefreshTarget {
  /** Signals `refresh` (no SHA: the app resolves its branch itself) to the app workflow. */
  signal(workflowId: string, note: RefreshNote): Promise<void>;
  /** True when the app workflow has nothing in flight: it has handled every signal it got. */
  settled(workflowId: string): Promise<boolean>;
}

export interface RefresherOptions {
  /** @default 200 */
  pollMs?: number;
  /** Settle checks in flight at once. @default 8 */
  concurrency?: number;
  /** Passed to the coalescer. */
  maxApps?: number;
  settleTimeoutMs?: number;
  /** Called for every signal sent: `immediate` (first of a burst), `pending` (merged pushes), `untracked`. */
  onSignal?: (kind: 'immediate' | 'pending' | 'untracked') => void;
  /** Called when a signal or a settle check fails; never with a secret. */
  onError?: (workflowId: string, message: string) => void;
  now?: () => number;
}

export function temporalTarget(client: Client): RefreshTarget {
  return {
    async signal(workflowId, note) {
      await client.workflow.getHandle(workflowId).signal(refreshSignal, note);
    },
    async settled(workflowId) {
      const { raw } = await client.workflow.getHandle(workflowId).describe();
      return (
        !raw.pendingWorkflowTask &&
        (raw.pendingActivities?.length ?? 0) === 0 &&
        (raw.pendingChildren?.length ?? 0) === 0
      );
    },
  };
}

export class Refresher {
  readonly #coalescer: RefreshCoalescer<RefreshNote>;
  readonly #pollMs: number;
  readonly #concurrency: number;
  readonly #now: () => number;
  /** Apps whose signal is on its way: not checked for settling before it has landed. */
  readonly #sending = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  #round: Promise<void> | undefined;
  #closed = false;

  constructor(
    private readonly target: RefreshTarget,
    private readonly options: RefresherOptions = {},
  ) {
    this.#coalescer = new RefreshCoalescer<RefreshNote>({
      maxApps: options.maxApps,
      settleTimeoutMs: options.settleTimeoutMs,
    });
    this.#pollMs = options.pollMs ?? 200;
    this.#concurrency = options.concurrency ?? 8;
    this.#now = options.now ?? Date.now;
  }

  /** A push for the app: signals it now, or merges it into the app's pending signal. Throws when the signal fails. */
  async push(workflowId: string, note: RefreshNote): Promise<PushDecision> {
    const decision = this.#coalescer.push(workflowId, note, this.#now());
    if (decision === 'merged') return decision;
    this.#sending.add(workflowId);
    try {
      await this.target.signal(workflowId, note);
    } catch (err) {
      this.#coalescer.forget(workflowId);
      throw err;
    } finally {
      this.#sending.delete(workflowId);
    }
    this.options.onSignal?.(decision === 'signal' ? 'immediate' : 'untracked');
    if (decision === 'signal') this.#schedule();
    return decision;
  }

  /** Apps signalled and not yet seen settling. */
  tracked(): string[] {
    return this.#coalescer.tracked();
  }

  /** Stops polling; merged pushes still waiting are dropped (git-poll picks their commits up). */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    await this.#round;
  }

  #schedule(): void {
    if (this.#closed || this.#timer !== undefined || this.#round !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#round = this.#checkAll().finally(() => {
        this.#round = undefined;
        if (this.#coalescer.tracked().length > 0) this.#schedule();
      });
    }, this.#pollMs);
  }

  async #checkAll(): Promise<void> {
    const expired = new Set(this.#coalescer.expired(this.#now()));
    const apps = this.#coalescer.tracked().filter((app) => !this.#sending.has(app));
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < apps.length && !this.#closed) {
        const app = apps[next++];
        if (app !== undefined) await this.#check(app, expired.has(app));
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.#concurrency, apps.length) }, worker));
  }

  async #check(app: string, expired: boolean): Promise<void> {
    try {
      if (!expired && !(await this.target.settled(app))) return;
    } catch (err) {
      this.options.onError?.(app, `cannot read the app's state: ${message(err)}`);
      if (!expired) return;
    }
    const note = this.#coalescer.settled(app, this.#now());
    if (note === undefined) return;
    this.#sending.add(app);
    try {
      await this.target.signal(app, note);
      this.options.onSignal?.('pending');
    } catch (err) {
      this.#coalescer.forget(app);
      this.options.onError?.(app, `cannot signal refresh: ${message(err)}`);
    } finally {
      this.#sending.delete(app);
    }
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
