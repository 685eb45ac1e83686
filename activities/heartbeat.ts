/**
 * Heartbeats that keep an activity's progress visible. The server keeps only the details of the
 * latest heartbeat, and the worker adds liveness heartbeats of its own (workers/liveness.ts); were
 * those sent without details, the Web UI and `describe` would show an activity's progress only
 * now and then. So each heartbeat repeats the latest details the activity reported.
 *
 * Progress reported in an activity's first seconds is only recorded: the first liveness heartbeat
 * carries it. Each heartbeat sent is a write to the workflow's state on the server, and a routine
 * sync's calls end within those seconds. (A registering fleet's health waits last longer: its
 * count of heartbeats, about one for every two completed activities, did not fall.)
 */
import type { Context } from '@temporalio/activity';

const latest = new WeakMap<Context, unknown>();
const quietUntil = new WeakMap<Context, number>();

/** Progress of `ctx` reported before `at` waits for its liveness heartbeat (workers/liveness.ts). */
export function holdProgressUntil(ctx: Context, at: number): void {
  quietUntil.set(ctx, at);
}

/**
 * Heartbeats `ctx`, with `details` when given, else with the latest details reported. Progress
 * (`details` given) is only recorded while `ctx` is held (holdProgressUntil).
 */
export function heartbeatWithProgress(ctx: Context, details?: unknown): void {
  if (details !== undefined) {
    latest.set(ctx, details);
    if (Date.now() < (quietUntil.get(ctx) ?? 0)) return;
  }
  ctx.heartbeat(latest.get(ctx));
}
