/**
 * Heartbeats that keep an activity's progress visible. The server keeps only the details of the
 * latest heartbeat, and the worker adds liveness heartbeats of its own (workers/liveness.ts); were
 * those sent without details, the Web UI and `describe` would show an activity's progress only
 * now and then. So each heartbeat repeats the latest details the activity reported.
 */
import type { Context } from '@temporalio/activity';

const latest = new WeakMap<Context, unknown>();

/** Heartbeats `ctx`, with `details` when given, else with the latest details reported. */
export function heartbeatWithProgress(ctx: Context, details?: unknown): void {
  if (details !== undefined) latest.set(ctx, details);
  ctx.heartbeat(latest.get(ctx));
}
