/**
 * Sync windows, workflow side: before an automatic operation the app asks its agent
 * (`checkSyncWindow`, where the project's windows are) whether it may sync now. A blocked
 * auto-sync is not started: the app says why and until when (condition `SyncWindowBlocked`) and a
 * durable timer asks for a refresh when the window opens (or an hour later, to see a changed
 * policy). The agent's answer is kept until it can next change (at most an hour), so an app with no
 * windows asks once an hour, not once per sync. An operator's sync or rollback is checked as
 * `manual` each time unless it overrides the windows, which history records with who asked.
 * A failed check (an agent without sync windows, a policy error) lets the sync through with a
 * `SyncWarning`: windows are a change freeze, not a security boundary (the agent's policy is).
 */
import { patched, proxyActivities, sleep } from '@temporalio/workflow';
import type {
  CheckSyncWindowInput,
  CheckSyncWindowResult,
  SyncWindowActivities,
  SyncWindowAnswer,
} from '../contract/activities.js';
import type { ApplicationEntity } from './application-state.js';
import { syncWindowProfile } from './activity-profiles.js';
import { isoTime, parseIsoTime, workflowNow } from './clock.js';
import { PATCHES } from './patches.js';

/** Longest an answer is trusted: the agent's policy may change meanwhile. */
const MAX_TRUST_MS = 3_600_000;
/** Shortest wait before asking again, whatever the agent says. */
const MIN_WAIT_MS = 1_000;

/** The last answer for automatic syncs, carried across continue-as-new. */
export interface SyncWindowState {
  allowed: boolean;
  message: string;
  /** Workflow time (ISO) until which the answer holds. */
  validUntil: string;
  /** When blocked: when the window opens, if within a year. */
  openAt?: string;
}

/** An automatic check started ahead of its operation (`checkAhead`), or answered with the resolve. */
export type WindowCheck = Promise<SyncWindowAnswer>;

export class SyncWindowGate {
  readonly #app: ApplicationEntity;
  #wakeArmed = false;

  constructor(app: ApplicationEntity) {
    this.#app = app;
  }

  /**
   * The automatic check for the resolve of an app's first sync to answer in the same call (since
   * 0.16.0): one activity and one workflow task instead of two. Undefined when the last answer
   * still holds. The patch is asked first: a history from before it must not see `sync-windows`
   * asked early.
   */
  askWithResolve(): CheckSyncWindowInput | undefined {
    if (this.#answerHolds()) return undefined;
    if (!patched(PATCHES.windowCheckInResolve) || !patched(PATCHES.syncWindows)) return undefined;
    return this.#input('automatic');
  }

  /** What the resolve answered; undefined from an agent older than 0.16.0, which then is asked apart. */
  answeredWithResolve(answer: SyncWindowAnswer | undefined): WindowCheck | undefined {
    return answer && Promise.resolve(answer);
  }

  /**
   * Starts the automatic check now, beside the resolve of an app's first sync, so both answers come
   * back to one workflow task instead of two in a row; undefined when the last answer still holds.
   * Histories from 0.13.0 to 0.15.0 asked this way; `askWithResolve` replaced it.
   */
  checkAhead(): WindowCheck | undefined {
    if (this.#answerHolds()) return undefined;
    if (!patched(PATCHES.windowCheckBesideResolve) || !patched(PATCHES.syncWindows)) return undefined;
    return this.#call('automatic');
  }

  #answerHolds(): boolean {
    const state = this.#app.state.syncWindow;
    return state !== undefined && parseIsoTime(state.validUntil) > workflowNow();
  }

  /** Whether an automatic operation may start now; when not, the app waits durably. */
  async allowsAutomatic(ahead?: WindowCheck): Promise<boolean> {
    if (!patched(PATCHES.syncWindows)) return true;
    const app = this.#app;
    const now = workflowNow();
    let state = app.state.syncWindow;
    if (!state || parseIsoTime(state.validUntil) <= now) {
      const answer = this.#answered(await (ahead ?? this.#call('automatic')));
      if (!answer) return true;
      state = remembered(answer, now);
      app.state.syncWindow = state;
    }
    if (state.allowed) {
      app.clearCondition('SyncWindowBlocked');
      return true;
    }
    const until = state.openAt ? `the window opens at ${state.openAt}` : `${state.validUntil} at least`;
    app.setCondition('SyncWindowBlocked', `${state.message}; auto-sync waits until ${until}`);
    this.#wakeAt(parseIsoTime(state.validUntil) - now);
    return false;
  }

  /** For an operator's sync or rollback: undefined when allowed, else why not. */
  async refusesManual(): Promise<string | undefined> {
    if (!patched(PATCHES.syncWindows)) return undefined;
    const answer = this.#answered(await this.#call('manual'));
    if (!answer || answer.allowed) return undefined;
    const opens = answer.openAt ? `; it opens at ${answer.openAt}` : '';
    return `${answer.message}${opens}. An emergency sync may override the windows: mooring app sync --override-sync-windows`;
  }

  /** Asks the agent; never throws (a check started ahead may end before anyone waits for it). */
  async #call(trigger: 'automatic' | 'manual'): Promise<SyncWindowAnswer> {
    const app = this.#app;
    const agent = proxyActivities<SyncWindowActivities>(syncWindowProfile(app.spec.destination.cluster));
    try {
      return { answer: await agent.checkSyncWindow(this.#input(trigger)) };
    } catch (err) {
      return {
        failure:
          err instanceof Error ? ((err.cause as Error | undefined)?.message ?? err.message) : String(err),
      };
    }
  }

  #input(trigger: 'automatic' | 'manual'): CheckSyncWindowInput {
    return { app: this.#app.spec.name, namespace: this.#app.spec.destination.namespace, trigger };
  }

  /** The answer of a check an operation waits for; a failed check lets it through with a warning. */
  #answered({ answer, failure }: SyncWindowAnswer): CheckSyncWindowResult | undefined {
    if (failure !== undefined)
      this.#app.setCondition(
        'SyncWarning',
        `sync windows could not be checked, the sync was not held back: ${failure}`,
      );
    return answer;
  }

  /** One timer at a time: when it fires, the app looks again (a refresh; a drift it holds). */
  #wakeAt(delayMs: number): void {
    if (this.#wakeArmed) return;
    this.#wakeArmed = true;
    const app = this.#app;
    void sleep(Math.max(MIN_WAIT_MS, Math.min(delayMs, MAX_TRUST_MS))).then(() => {
      this.#wakeArmed = false;
      app.requestRefresh('sync window check');
      if (app.state.drifted) app.noteDrift({ drifted: true, changedObjects: 0 });
    });
  }
}

function remembered(answer: CheckSyncWindowResult, now: number): SyncWindowState {
  const limits = [now + MAX_TRUST_MS];
  for (const at of [answer.nextChangeAt, answer.openAt, answer.blockedAtLeastUntil])
    if (at !== undefined && Number.isFinite(parseIsoTime(at))) limits.push(parseIsoTime(at));
  return {
    allowed: answer.allowed,
    message: answer.message,
    validUntil: isoTime(Math.max(now + MIN_WAIT_MS, Math.min(...limits))),
    ...(answer.openAt !== undefined && { openAt: answer.openAt }),
  };
}
