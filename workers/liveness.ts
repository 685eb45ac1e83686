/**
 * Liveness heartbeats for every activity. Temporal notices a dead worker only through missed
 * heartbeats; without them a call killed mid-way waits out its whole start-to-close timeout
 * (minutes) before it is retried. Each wrapped activity heartbeats every `everyMs` while it runs,
 * when its caller set a heartbeat timeout; progress details the activity reports itself still go
 * out with its own heartbeats, and liveness heartbeats repeat the latest of them
 * (activities/heartbeat.ts). Heartbeats also deliver cancellation to activities that never
 * heartbeat on their own. Progress reported before the first liveness heartbeat waits for it, so a
 * call that ends within `everyMs` sends none.
 */
import { Context } from '@temporalio/activity';
import { heartbeatWithProgress, holdProgressUntil } from '../activities/heartbeat.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- activity functions take any payloads
type ActivityFunction = (...args: any[]) => Promise<unknown>;

export function withLivenessHeartbeats<T extends object>(activities: T, everyMs = 2_000): T {
  const wrapped: Record<string, ActivityFunction> = {};
  for (const [name, fn] of Object.entries(activities) as [string, ActivityFunction][]) {
    wrapped[name] = async (...args: unknown[]) => {
      const ctx = Context.current();
      if (ctx.info.heartbeatTimeoutMs === undefined) return await fn(...args);
      holdProgressUntil(ctx, Date.now() + everyMs);
      const timer = setInterval(() => heartbeatWithProgress(ctx), everyMs);
      try {
        return await fn(...args);
      } finally {
        clearInterval(timer);
      }
    };
  }
  return wrapped as T;
}
