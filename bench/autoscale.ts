/**
 * Autoscaling figures on the real local stack (Temporal dev server + kwok + Prometheus scraping
 * the test exporter every 2 s), one autoscaled guestbook app on its own task queue and its own
 * `autoscale` schedule (as test/integration/e2e-autoscale.test.ts sets it up):
 *
 *  - latency: the test exporter's value changes (the moment setExporterValue returns) → the live
 *    Deployment's spec.replicas changed (read from the API server every 100 ms). Runs alternate up
 *    (2 → 4) and down (4 → 2); scale-down stabilization is 0 s so a scale-down is not held. Each
 *    change is made at a random phase of the schedule period (a random pause of 0..period first),
 *    so the figures are those of a metric that moves at any time, not phase-locked to the
 *    schedule. Expected: about period/2 on average, up to one period plus a scrape;
 *  - history events: what one autoscale decision adds to the app workflow's history, what an
 *    evaluation that changes nothing adds (0: the schedule does not signal then), and one run of
 *    the autoscale workflow itself (a deciding one and an unchanged one).
 *
 *   npm run bench:autoscale [-- --runs 5 --intervals 30s,10s]
 *
 * Writes bench/results/autoscale-<date>.json and prints a markdown table.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { AppsV1Api, KubeConfig } from '@kubernetes/client-node';
import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import type { temporal } from '@temporalio/proto';
import { applicationWorkflowId } from '../contract/ids.js';
import type { AutoscaleResult } from '../contract/workflows.js';
import { ensureSchedules } from '../workers/schedules.js';
import { settledAt, startE2e } from '../test/support/e2e.js';
import type { E2eApp, E2eEnv } from '../test/support/e2e.js';
import { clearExporterValue, setExporterValue, waitForSeries } from '../test/support/prometheus.js';
import { kubeconfigPath, projectRoot } from '../test/support/stack.js';
import { waitFor } from '../test/support/wait.js';
import { waitQuiescent } from '../test/support/workflow-history.js';
import { summarize } from './support/stats.js';
import type { Summary } from './support/stats.js';

process.env.MOORING_LOG_LEVEL ??= 'warn';
const { values } = parseArgs({
  options: { runs: { type: 'string', default: '5' }, intervals: { type: 'string', default: '30s,10s' } },
});
const runs = Math.max(1, Number(values.runs) || 5);
const intervals = (values.intervals ?? '30s')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
for (const i of intervals)
  if (!/^\d+s$/.test(i)) throw new Error(`--intervals takes whole seconds like 30s,10s: got "${i}"`);

const TARGET_VALUE = 10;
/** Load → replicas: 20 → 2 (as Git says), 40 → 4. */
const LEVELS = { low: { value: 20, replicas: 2 }, high: { value: 40, replicas: 4 } };
const POLL_MS = 100;

interface EventCount {
  count: number;
  /** Event types in order, with the activity type or timer for the scheduled ones. */
  types: string[];
}

function eventName(e: temporal.api.history.v1.IHistoryEvent): string {
  const type = proto.temporal.api.enums.v1.EventType[e.eventType ?? 0] ?? String(e.eventType);
  const name = type.replace(/^EVENT_TYPE_/, '');
  const activity = e.activityTaskScheduledEventAttributes?.activityType?.name;
  if (activity) return `${name}(${activity})`;
  const signal = e.workflowExecutionSignaledEventAttributes?.signalName;
  if (signal) return `${name}(${signal})`;
  const external = e.signalExternalWorkflowExecutionInitiatedEventAttributes?.signalName;
  if (external) return `${name}(${external})`;
  return name;
}

async function history(client: Client, workflowId: string, runId?: string) {
  return (await client.workflow.getHandle(workflowId, runId).fetchHistory()).events ?? [];
}

/** The app workflow's run id and event count, once it has handled everything it received. */
async function appMark(client: Client, app: E2eApp): Promise<{ runId: string; count: number }> {
  const id = applicationWorkflowId(app.name);
  await waitQuiescent(client, id);
  const description = await client.workflow.getHandle(id).describe();
  return { runId: description.runId, count: (await history(client, id, description.runId)).length };
}

async function appEventsSince(
  client: Client,
  app: E2eApp,
  mark: { runId: string; count: number },
): Promise<EventCount & { signalledBy: string[] }> {
  const id = applicationWorkflowId(app.name);
  await waitQuiescent(client, id);
  const now = await client.workflow.getHandle(id).describe();
  if (now.runId !== mark.runId)
    throw new Error(
      `${id} continued as new during the measurement (run ${mark.runId} → ${now.runId}): run the bench again`,
    );
  const added = (await history(client, id, mark.runId)).slice(mark.count);
  return {
    count: added.length,
    types: added.map(eventName),
    signalledBy: added
      .map((e) => e.workflowExecutionSignaledEventAttributes?.externalWorkflowExecution?.workflowId)
      .filter((w): w is string => typeof w === 'string'),
  };
}

interface ScheduleRun {
  workflowId: string;
  runId: string;
  scheduledAt: Date;
}

async function scheduleRuns(client: Client, scheduleId: string): Promise<ScheduleRun[]> {
  const { info } = await client.schedule.getHandle(scheduleId).describe();
  return info.recentActions.map((a) => ({
    workflowId: a.action.workflow.workflowId,
    runId: a.action.workflow.firstExecutionRunId,
    scheduledAt: a.scheduledAt,
  }));
}

/** Waits for `n` schedule runs that started after `since` to finish; returns them with results. */
async function completedRunsAfter(
  client: Client,
  scheduleId: string,
  since: Date,
  n: number,
  timeoutMs: number,
): Promise<(ScheduleRun & { result: AutoscaleResult })[]> {
  const fresh = await waitFor(
    `${n} runs of the schedule ${scheduleId} after ${since.toISOString()}`,
    async () => {
      const list = (await scheduleRuns(client, scheduleId)).filter((r) => r.scheduledAt > since);
      return list.length >= n ? list.slice(0, n) : undefined;
    },
    { timeoutMs, intervalMs: 500 },
  );
  return await Promise.all(
    fresh.map(async (r) => ({
      ...r,
      result: (await client.workflow.getHandle(r.workflowId, r.runId).result()) as AutoscaleResult,
    })),
  );
}

async function autoscaleRunEvents(client: Client, run: ScheduleRun): Promise<EventCount> {
  const events = await history(client, run.workflowId, run.runId);
  return { count: events.length, types: events.map(eventName) };
}

interface IntervalResult {
  interval: string;
  latency: { up: Summary; down: Summary; all: Summary };
  events?: {
    decision: EventCount & { from: number; to: number };
    unchangedEvaluation: EventCount & { scheduleRuns: number; results: AutoscaleResult[] };
    autoscaleRunDeciding: EventCount;
    autoscaleRunUnchanged?: EventCount;
  };
}

async function main(): Promise<void> {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath());
  const apps = kc.makeApiClient(AppsV1Api);
  let env: E2eEnv | undefined;
  let scheduleId: string | undefined;
  const labels: Record<string, string> = {};
  // The bench's own gauge: clearing it at the end must not touch a test's series (and vice versa).
  let metric: string | undefined;
  try {
    env = await startE2e('bench-autoscale');
    const { client } = env;
    labels.test = env.suffix;
    metric = `mooring_bench_autoscale_load_${env.suffix}`;
    scheduleId = `autoscale-bench-${env.suffix}`;
    await setExporterValue(metric, labels, LEVELS.low.value);
    const app = await env.createApp('gb-bench-scale', {
      spec: {
        autoscaling: {
          target: 'Deployment/guestbook-ui',
          min: 1,
          max: 5,
          query: `max(${metric}{test="${env.suffix}"})`,
          targetValue: TARGET_VALUE,
          behavior: { scaleDown: { stabilizationWindowSeconds: 0 } },
        },
      },
    });
    const head = await app.repo.head();
    await app.waitStatus(`initial sync of ${head}`, settledAt(head));
    await waitForSeries(`${metric}{test="${env.suffix}"}`, (s) =>
      s.some((x) => x.value === LEVELS.low.value),
    );
    const liveReplicas = async () =>
      (await apps.readNamespacedDeployment({ name: 'guestbook-ui', namespace: app.namespace })).spec
        ?.replicas;

    const results: IntervalResult[] = [];
    let level: keyof typeof LEVELS = 'low';
    for (const [index, interval] of intervals.entries()) {
      const periodMs = Number(interval.slice(0, -1)) * 1000;
      await ensureSchedules(client, {
        taskQueue: env.taskQueue,
        autoscale: interval,
        only: ['autoscale'],
        ids: { autoscale: scheduleId },
      });
      // One full evaluation on this interval before measuring (the first one tells the app its replicas).
      await completedRunsAfter(client, scheduleId, new Date(), 1, periodMs * 2 + 30_000);
      await app.waitStatus('first evaluation', (s) => s.autoscaling?.lastEvaluatedAt !== undefined, 30_000);
      const up: number[] = [];
      const down: number[] = [];
      let events: IntervalResult['events'];
      for (let run = 0; run < runs; run++) {
        const next: keyof typeof LEVELS = level === 'low' ? 'high' : 'low';
        const measureEvents = index === 0 && run === 0;
        // A random phase of the schedule period: the metric moves at any time.
        await delay(Math.random() * periodMs);
        const mark = measureEvents ? await appMark(client, app) : undefined;
        const from = LEVELS[level].replicas;
        await setExporterValue(metric, labels, LEVELS[next].value);
        const t0 = performance.now();
        const changedAt = new Date();
        for (;;) {
          const replicas = await liveReplicas();
          if (replicas !== from) {
            if (replicas !== LEVELS[next].replicas)
              throw new Error(
                `run ${run} (${interval}): replicas went ${from} → ${replicas}, expected ${LEVELS[next].replicas}`,
              );
            break;
          }
          if (performance.now() - t0 > periodMs * 3 + 30_000)
            throw new Error(
              `run ${run} (${interval}): replicas still ${from} ${Math.round(performance.now() - t0)} ms after the load changed to ${LEVELS[next].value}`,
            );
          await delay(POLL_MS);
        }
        const elapsed = performance.now() - t0;
        (next === 'high' ? up : down).push(elapsed);
        console.error(
          `  ${interval} run ${run + 1}/${runs}: ${from} → ${LEVELS[next].replicas} in ${Math.round(elapsed)} ms`,
        );
        level = next;
        if (mark) {
          await app.waitStatus(
            'the decision recorded',
            (s) => s.autoscaling?.replicas === LEVELS[next].replicas,
          );
          const decision = await appEventsSince(client, app, mark);
          // Then two evaluations with nothing to change: the app must not hear of them.
          const quiet = await appMark(client, app);
          const after = await completedRunsAfter(client, scheduleId, changedAt, 3, periodMs * 4 + 30_000);
          const unchanged = await appEventsSince(client, app, quiet);
          const deciding = after.find((r) => decision.signalledBy.includes(r.workflowId));
          const idle = after.find((r) => r.result.signalled.length === 0 && r.result.evaluated > 0);
          if (!deciding)
            throw new Error(
              `no run of ${scheduleId} after the change signalled ${app.name}: ${JSON.stringify(after.map((r) => r.result))}`,
            );
          events = {
            decision: { count: decision.count, types: decision.types, from, to: LEVELS[next].replicas },
            unchangedEvaluation: {
              count: unchanged.count,
              types: unchanged.types,
              scheduleRuns: after.filter((r) => r !== deciding).length,
              results: after.filter((r) => r !== deciding).map((r) => r.result),
            },
            autoscaleRunDeciding: await autoscaleRunEvents(client, deciding),
            autoscaleRunUnchanged: idle ? await autoscaleRunEvents(client, idle) : undefined,
          };
        }
      }
      results.push({
        interval,
        latency: { up: summarize(up), down: summarize(down), all: summarize([...up, ...down]) },
        events,
      });
    }
    await report(results);
  } finally {
    if (env && scheduleId) {
      const handle = env.client.schedule.getHandle(scheduleId);
      const leftovers = await scheduleRuns(env.client, scheduleId).catch(() => []);
      await handle.delete().catch(() => undefined);
      for (const r of leftovers)
        await env.client.workflow
          .getHandle(r.workflowId, r.runId)
          .terminate('bench cleanup')
          .catch(() => undefined);
    }
    if (metric) await clearExporterValue(metric).catch(() => undefined);
    await env?.close();
  }
}

async function report(results: IntervalResult[]): Promise<void> {
  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
  };
  const date = new Date().toISOString();
  const output = {
    date,
    machine,
    setup: {
      scrapeIntervalS: 2,
      pollMs: POLL_MS,
      scaleDownStabilizationWindowSeconds: 0,
      levels: LEVELS,
      phase: 'each change after a random pause of 0..period',
    },
    results,
  };
  const dir = join(projectRoot, 'bench', 'results');
  await mkdir(dir, { recursive: true });
  const file = join(dir, `autoscale-${date.slice(0, 10)}.json`);
  await writeFile(file, `${JSON.stringify(output, null, 2)}\n`);
  console.log(JSON.stringify(output));
  const s = (x: number) => `${(x / 1000).toFixed(1)} s`;
  const lines = [
    '',
    `Machine: ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memoryGiB} GiB memory. ` +
      'Prometheus scrapes every 2 s; replicas read every 100 ms; scale-down stabilization window 0 s (bench only, ' +
      'so a scale-down is not held); each change at a random phase of the schedule period.',
    '',
    '| schedule | direction | runs | median | p95 | min | max |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const r of results)
    for (const [dir, sm] of [
      ['up 2→4', r.latency.up],
      ['down 4→2', r.latency.down],
      ['all', r.latency.all],
    ] as const)
      lines.push(
        `| ${r.interval} | ${dir} | ${sm.runs} | ${s(sm.medianMs)} | ${s(sm.p95Ms)} | ${s(sm.minMs)} | ${s(sm.maxMs)} |`,
      );
  const ev = results.find((r) => r.events)?.events;
  if (ev) {
    lines.push(
      '',
      '| history events | count | types |',
      '|---|---|---|',
      `| app workflow, one decision (${ev.decision.from}→${ev.decision.to}) | ${ev.decision.count} | ${ev.decision.types.join(', ')} |`,
      `| app workflow, ${ev.unchangedEvaluation.scheduleRuns} evaluations that change nothing | ${ev.unchangedEvaluation.count} | ${ev.unchangedEvaluation.types.join(', ') || '—'} |`,
      `| autoscale workflow run that signalled | ${ev.autoscaleRunDeciding.count} | ${ev.autoscaleRunDeciding.types.join(', ')} |`,
      `| autoscale workflow run, nothing to signal | ${ev.autoscaleRunUnchanged?.count ?? 'n/a'} | ${ev.autoscaleRunUnchanged?.types.join(', ') ?? '—'} |`,
    );
  }
  lines.push('', `Written to ${file}`);
  console.log(lines.join('\n'));
}

await main();
