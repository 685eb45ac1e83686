/**
 * The fleet schedules, created or updated idempotently at worker start. They show on the Web UI's
 * Schedules page, where an operator can pause or trigger them.
 */
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy } from '@temporalio/client';
import type { Client, ScheduleOptions, ScheduleUpdateOptions } from '@temporalio/client';
import { DEFAULT_TASK_QUEUE, SCHEDULE_IDS, WORKFLOW_TYPES } from '../contract/ids.js';

export interface ScheduleIntervals {
  /** The git-poll tick; each app is checked every `syncPolicy.interval` on the first tick after it elapses. @default '10s' */
  gitPoll?: string;
  /**
   * The safety net of drift-watch, which reports drift and degraded health within a second.
   * @default '10m'
   */
  driftScan?: string;
  /** @default '30s' */
  autoscale?: string;
  /** @default 'mooring' */
  taskQueue?: string;
  /** Keep only these schedules (a test runs its own autoscale schedule for its own queue). @default all */
  only?: ScheduleKind[];
  /** Other schedule ids than SCHEDULE_IDS (a test's own, beside the global ones). */
  ids?: Partial<Record<ScheduleKind, string>>;
}

/** How often git-poll runs; the shortest `syncPolicy.interval` a spec may have. */
export const DEFAULT_GIT_POLL_TICK = '10s';

export type ScheduleKind = keyof typeof SCHEDULE_IDS;

function definitions(intervals: ScheduleIntervals): ScheduleOptions[] {
  const base = (
    kind: ScheduleKind,
    workflowType: string,
    every: string,
    jitter: string,
    note: string,
    args: unknown[] = [],
  ): { kind: ScheduleKind; options: ScheduleOptions } => ({
    kind,
    options: {
      scheduleId: intervals.ids?.[kind] ?? SCHEDULE_IDS[kind],
      spec: { intervals: [{ every }], jitter },
      action: {
        type: 'startWorkflow',
        workflowType,
        args,
        taskQueue: intervals.taskQueue ?? DEFAULT_TASK_QUEUE,
        workflowId: intervals.ids?.[kind] ?? SCHEDULE_IDS[kind],
        workflowExecutionTimeout: '10m',
        staticSummary: note,
      },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '2m', pauseOnFailure: false },
      state: { note },
    },
  });
  const all = [
    base(
      'gitPoll',
      WORKFLOW_TYPES.gitPoll,
      intervals.gitPoll ?? DEFAULT_GIT_POLL_TICK,
      // No jitter: a run finds the apps due from its tick (spreading is per app, in core/poll/poll-due.ts).
      '0s',
      'apps whose syncPolicy.interval elapsed: one remote check per repository and revision; refresh apps whose sources a new commit touched',
      [{ tick: intervals.gitPoll ?? DEFAULT_GIT_POLL_TICK }],
    ),
    base(
      'driftScan',
      WORKFLOW_TYPES.driftScan,
      intervals.driftScan ?? '10m',
      '15s',
      'diff every app against its live objects; signal driftDetected',
    ),
    base(
      'autoscale',
      WORKFLOW_TYPES.autoscale,
      intervals.autoscale ?? '30s',
      '0s',
      'measure every autoscaled app on Prometheus; signal its recommendation (spec.autoscaling)',
    ),
  ];
  return all.filter((def) => !intervals.only || intervals.only.includes(def.kind)).map((def) => def.options);
}

/** Creates each schedule, or updates its spec, action and policies while keeping its paused state. */
export async function ensureSchedules(client: Client, intervals: ScheduleIntervals = {}): Promise<void> {
  for (const def of definitions(intervals)) {
    try {
      await client.schedule.create(def);
    } catch (err) {
      if (!(err instanceof ScheduleAlreadyRunning)) throw err;
      await client.schedule.getHandle(def.scheduleId).update((prev): ScheduleUpdateOptions => ({
        ...prev,
        spec: def.spec,
        action: def.action as ScheduleUpdateOptions['action'],
        policies: def.policies ?? prev.policies,
      }));
    }
  }
}
