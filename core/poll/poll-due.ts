/**
 * Which apps a git-poll run checks, so that each app's `syncPolicy.interval` is honoured by one
 * frequent schedule. Stateless: a run ending at tick `t` checks the apps whose polling instants
 * (every `interval`, shifted by an offset so a fleet does not all poll on the same tick) fall in
 * `(t - tick, t]`. An interval not longer than the tick is checked at every run.
 *
 * The offset is the app's source's (`pollSourceKey`), not its own: the apps of one repository and
 * revision with the same interval are due on the same tick, so one remote check serves them all
 * once per interval, and a new commit reaches all of them in the same run, as a Flux
 * GitRepository's artifact reaches all its Kustomizations. With per-app offsets a 1,000-app
 * monorepo was checked at every 10 s tick (by the 55 apps due in it), and its untouched apps were
 * compared with each new commit again at each of those checks.
 */
import { parseDuration } from '../../config/duration.js';
import type { ApplicationSummary } from '../../contract/activities.js';

/** 32-bit FNV-1a of `text`: a stable offset (and listing shard) per app name. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/**
 * The source an app is polled by: what one remote check answers for all the apps that share it
 * (git-poll's groups are keyed the same way).
 */
export function pollSourceKey(
  app: Pick<ApplicationSummary, 'repoURL' | 'targetRevision' | 'chart' | 'sources'>,
): string {
  return JSON.stringify([app.repoURL, app.targetRevision, app.chart ?? '', app.sources ?? []]);
}

/**
 * True when `name` (an app's source key; its own name in git-poll runs from before the patch
 * `poll-due-on-activity`), polled every `intervalMs`, is due in the run of the tick ending at
 * `tickEndMs` (a multiple of `tickMs`).
 */
export function pollDue(name: string, intervalMs: number, tickEndMs: number, tickMs: number): boolean {
  if (!(intervalMs > tickMs)) return true;
  const offset = fnv1a(name) % intervalMs;
  return (
    Math.floor((tickEndMs - offset) / intervalMs) !== Math.floor((tickEndMs - tickMs - offset) / intervalMs)
  );
}

/** The tick a run started at `startMs` belongs to: runs start a little after their nominal time. */
export function tickEnd(startMs: number, tickMs: number): number {
  return Math.floor(startMs / tickMs) * tickMs;
}

/** The app's poll interval in ms; the spec default (3m) when absent or unreadable. */
export function intervalMs(interval: string | undefined): number {
  try {
    return parseDuration(interval ?? '3m');
  } catch {
    return 180_000;
  }
}
