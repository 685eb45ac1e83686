/**
 * Sync windows: whether a project's windows let an app sync at an instant, and from when they will.
 * Pure: the caller passes the windows (from the agent's policy), the app and the instant; nothing
 * here reads a clock or a payload's idea of the project.
 *
 * Rule order, as Argo CD's `SyncWindows.CanSync` (pkg/apis/application/v1alpha1/types.go):
 * 1. no window matches the app: allowed;
 * 2. a matching deny window is active: blocked, unless the sync is manual and every active deny
 *    window has `manualSync` (deny wins over allow);
 * 3. a matching allow window is active: allowed;
 * 4. some matching allow windows exist, none active: blocked, unless the sync is manual and every
 *    one of them has `manualSync`;
 * 5. otherwise (only deny windows, none active): allowed.
 *
 * Which windows apply to the app is decided in window-match.ts.
 *
 * When blocked, `openAt` is the first instant the verdict turns to allowed, found by walking the
 * windows' start and end instants forward for at most {@link SCAN_HORIZON_DAYS} days and
 * {@link SCAN_CRON_STEPS} cron steps. When no opening is found, `blockedAtLeastUntil` says how far
 * the walk got.
 */
import { describeSyncWindow } from '../../config/sync-window.js';
import type { SyncWindow } from '../../config/policy-types.js';
import { windowMatches, type SyncWindowTarget } from './window-match.js';
import { WindowTimeline, type CronBudget } from './window-timeline.js';

export type { SyncWindowTarget } from './window-match.js';

/** How far ahead the next change of a verdict is looked for. */
export const SCAN_HORIZON_DAYS = 366;
/** Most cron steps one verdict may take (a window open almost always costs one step per run). */
export const SCAN_CRON_STEPS = 10_000;

const DAY_MS = 86_400_000;

/** Who asked for the sync: auto-sync (new commit, self-heal) or an operator. */
export type SyncTrigger = 'automatic' | 'manual';

/** Why a verdict is what it is; UIs and tests match on these, never on the message. */
export const SYNC_WINDOW_REASONS = {
  /** No window of the project matches the app. */
  noMatchingWindow: 'NoMatchingWindow',
  /** A matching allow window is active and no deny window is. */
  allowWindowActive: 'AllowWindowActive',
  /** Only deny windows match, and none is active. */
  noActiveDenyWindow: 'NoActiveDenyWindow',
  /** A matching deny window is active. */
  denyWindowActive: 'DenyWindowActive',
  /** Allow windows match, none is active. */
  outsideAllowWindows: 'OutsideAllowWindows',
  /** A manual sync passes the blocking windows, which all have `manualSync`. */
  manualSyncAllowed: 'ManualSyncAllowed',
} as const;

export type SyncWindowReason = (typeof SYNC_WINDOW_REASONS)[keyof typeof SYNC_WINDOW_REASONS];

/** Whether the windows let the sync run now, why, and until when. */
export interface SyncWindowVerdict {
  allowed: boolean;
  reason: SyncWindowReason;
  /** One sentence for status and history. */
  message: string;
  /** The windows that match the app ({@link describeSyncWindow}), in project order. */
  matched: string[];
  /** Those of them active now. */
  active: string[];
  /** When blocked: the first instant the sync may run (within the scan). */
  openAt?: Date;
  /** When blocked and no opening was found: the sync stays blocked at least until then. */
  blockedAtLeastUntil?: Date;
  /** The first instant `allowed` flips (equal to `openAt` when blocked); absent when not found. */
  nextChangeAt?: Date;
}

interface WindowState {
  window: SyncWindow;
  active: boolean;
}

interface Decision {
  allowed: boolean;
  reason: SyncWindowReason;
}

/** Steps 1 to 5 of the module comment, given which matching windows are active. */
function decide(windows: readonly WindowState[], trigger: SyncTrigger): Decision {
  const R = SYNC_WINDOW_REASONS;
  if (windows.length === 0) return { allowed: true, reason: R.noMatchingWindow };
  const manualPasses = (blocking: readonly { window: SyncWindow }[]) =>
    trigger === 'manual' && blocking.every((w) => w.window.manualSync);
  const activeDeny = windows.filter((w) => w.active && w.window.kind === 'deny');
  if (activeDeny.length > 0)
    return manualPasses(activeDeny)
      ? { allowed: true, reason: R.manualSyncAllowed }
      : { allowed: false, reason: R.denyWindowActive };
  if (windows.some((w) => w.active && w.window.kind === 'allow'))
    return { allowed: true, reason: R.allowWindowActive };
  const inactiveAllow = windows.filter((w) => w.window.kind === 'allow');
  if (inactiveAllow.length > 0)
    return manualPasses(inactiveAllow)
      ? { allowed: true, reason: R.manualSyncAllowed }
      : { allowed: false, reason: R.outsideAllowWindows };
  return { allowed: true, reason: R.noActiveDenyWindow };
}

/**
 * The first instant after `from` at which `allowed` differs from its value at `from`, and how far
 * the walk got. Each step moves to the earliest change of any window and flips the state of the
 * windows that change there, so a window costs cron steps only when its own state changes.
 */
function scanForChange(
  timelines: readonly WindowTimeline[],
  budget: CronBudget,
  scan: { from: number; trigger: SyncTrigger; states: readonly WindowState[] },
): { at?: number; reached: number } {
  const { from, trigger } = scan;
  const states = scan.states.map((s) => ({ ...s }));
  const allowedNow = decide(states, trigger).allowed;
  const limit = from + SCAN_HORIZON_DAYS * DAY_MS;
  let t = from;
  for (;;) {
    const candidates = timelines.map((tl) => tl.nextChangeAfter(t, limit));
    // A timeline that ran out of steps answers undefined too: stop where every state is known.
    if (budget.steps <= 0)
      return { reached: Math.max(t, Math.min(...timelines.map((tl) => tl.steadyUntil))) };
    const known = candidates.filter((c): c is number => c !== undefined);
    if (known.length === 0) return { reached: limit };
    const next = Math.min(...known);
    candidates.forEach((c, i) => {
      const state = states[i];
      if (c === next && state) state.active = !state.active;
    });
    if (decide(states, trigger).allowed !== allowedNow) return { at: next, reached: next };
    t = next;
  }
}

function formatInstant(ms: number): string {
  return new Date(ms).toISOString();
}

function explain(decision: Decision, states: readonly WindowState[]): string {
  const R = SYNC_WINDOW_REASONS;
  const list = (pick: (s: WindowState) => boolean) =>
    states
      .filter(pick)
      .map((s) => `[${describeSyncWindow(s.window)}]`)
      .join(', ');
  switch (decision.reason) {
    case R.noMatchingWindow:
      return 'no sync window of the project applies to the app';
    case R.allowWindowActive:
      return `allowed by the active window ${list((s) => s.active && s.window.kind === 'allow')}`;
    case R.noActiveDenyWindow:
      return `no deny window is active (${list(() => true)})`;
    case R.denyWindowActive:
      return `blocked by the active deny window ${list((s) => s.active && s.window.kind === 'deny')}`;
    case R.outsideAllowWindows:
      return `blocked: outside every allow window (${list((s) => s.window.kind === 'allow')})`;
    case R.manualSyncAllowed:
      return 'a manual sync passes: every blocking window has manualSync';
  }
}

/**
 * The verdict of `windows` (a project's, in order) on syncing `target` at `options.now`, for an
 * automatic or manual sync (rules in the module comment).
 *
 * @example syncWindowVerdict(project.syncWindows ?? [], { app: 'web', namespace: 'web', cluster: 'prod' }, { now, trigger: 'automatic' })
 * @throws {Error} when a window's schedule or duration does not parse (the policy loader refuses those)
 */
export function syncWindowVerdict(
  windows: readonly SyncWindow[],
  target: SyncWindowTarget,
  options: { now: Date; trigger: SyncTrigger },
): SyncWindowVerdict {
  const now = options.now.getTime();
  const budget: CronBudget = { steps: SCAN_CRON_STEPS };
  const timelines = windows
    .filter((w) => windowMatches(w, target))
    .map((w) => new WindowTimeline(w, { origin: now, budget }));
  const states = timelines.map((tl) => ({ window: tl.window, active: tl.activeAt(now) ?? false }));
  const decision = decide(states, options.trigger);
  const matched = states.map((s) => describeSyncWindow(s.window));
  const active = states.filter((s) => s.active).map((s) => describeSyncWindow(s.window));
  const verdict: SyncWindowVerdict = {
    ...decision,
    message: explain(decision, states),
    matched,
    active,
  };
  if (timelines.length === 0) return verdict;
  const change = scanForChange(timelines, budget, { from: now, trigger: options.trigger, states });
  if (change.at !== undefined) verdict.nextChangeAt = new Date(change.at);
  if (decision.allowed) return verdict;
  if (change.at !== undefined) {
    verdict.openAt = new Date(change.at);
    verdict.message += `; the sync may run from ${formatInstant(change.at)}`;
  } else {
    verdict.blockedAtLeastUntil = new Date(change.reached);
    verdict.message += `; no opening found up to ${formatInstant(change.reached)}`;
  }
  return verdict;
}
