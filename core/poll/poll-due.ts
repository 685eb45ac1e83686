/**
 * Which apps a git-poll run checks, so that each app's `syncPolicy.interval` is honoured by one
 * frequent schedule. Stateless: a run ending at tick `t` checks the apps whose polling instants
 * (every `interval`, shifted by a per-app offset so a fleet does not all poll on the same tick)
 * fall in `(t - tick, t]`. An interval not longer than the tick is checked at every run.
 */
import { parseDuration } from '../../config/duration.js';

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
 * True when app `name`, polled every `intervalMs`, is due in the run of the tick ending at
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
