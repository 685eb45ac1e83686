/**
 * Benchmark of the sync engine on the local stack, with the activities called directly (no
 * Temporal), using Argo CD's `sock-shop` example (~30 objects):
 * - deploy: render + diff + dry run + apply of every step into an empty namespace (health not
 *   awaited: that is kwok's timing, not ours); a fresh namespace and app each run;
 * - diff: `diffApplication` of the unchanged, applied app (goal: median < 150 ms), and
 *   `detectDrift` (diff + health) for comparison.
 *
 *   eval "$(scripts/stack env)" && node --import tsx bench/engine.ts [runs=7]
 *
 * Prints one JSON line, then one line for humans. Cleans up its namespaces.
 */
import { join } from 'node:path';
import { Engine, examplesDir, examplesMissing, TestRepo } from '../test/integration/engine-harness.js';
import { kubectl, uniqueSuffix } from '../test/support/stack.js';
import { summarize } from './support/stats.js';

const DIFF_GOAL_MS = 150;
const runs = Math.max(5, Number.parseInt(process.argv[2] ?? '7', 10) || 7);

async function time<T>(run: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const value = await run();
  return [value, performance.now() - started];
}

async function main(): Promise<void> {
  const missing = examplesMissing();
  if (missing) {
    console.log(JSON.stringify({ skipped: missing }));
    console.log(`engine bench skipped: ${missing}`);
    return;
  }
  const repo = TestRepo.create({ 'sock-shop': join(examplesDir, 'sock-shop') });
  const engine = await Engine.open();
  const namespaces: string[] = [];
  const deploy = {
    total: [] as number[],
    render: [] as number[],
    diff: [] as number[],
    prepare: [] as number[],
    apply: [] as number[],
  };
  const diffTimes: number[] = [];
  const driftTimes: number[] = [];
  let objects = 0;
  try {
    for (let i = 0; i < runs; i++) {
      const suffix = uniqueSuffix();
      const namespace = `bench-sock-${suffix}`;
      namespaces.push(namespace);
      const app = {
        app: `bench-${suffix}`,
        path: 'sock-shop',
        namespace,
        syncOptions: ['CreateNamespace=true'],
      };
      const started = performance.now();
      const [plan, render] = await time(() => engine.render(repo, app));
      const [diff, diffMs] = await time(() => engine.activities.diffApplication(plan));
      const [prepared, prepare] = await time(() => engine.activities.prepareSync(plan));
      const [, apply] = await time(async () => {
        for (const step of prepared.steps) {
          await engine.activities.applyStep({
            ...plan,
            phase: step.phase,
            wave: step.wave,
            waitHealthy: false,
            waitTimeoutMs: 60_000,
          });
        }
      });
      deploy.total.push(performance.now() - started);
      deploy.render.push(render);
      deploy.diff.push(diffMs);
      deploy.prepare.push(prepare);
      deploy.apply.push(apply);
      objects = diff.summary.create;
      if (i === 0) {
        for (let j = 0; j < runs + 1; j++) {
          const [unchanged, ms] = await time(() => engine.activities.diffApplication(plan));
          if (unchanged.summary.unchanged !== objects)
            throw new Error(`Expected an unchanged app, got ${JSON.stringify(unchanged.summary)}`);
          if (j > 0) diffTimes.push(ms); // the first call warms discovery caches
          driftTimes.push((await time(() => engine.activities.detectDrift(plan)))[1]);
        }
      }
    }
  } finally {
    engine.close();
    repo.remove();
    for (const ns of namespaces)
      await kubectl(['delete', 'namespace', ns, '--wait=false', '--ignore-not-found']);
  }
  const report = {
    objects,
    deployEmptyNamespace: Object.fromEntries(Object.entries(deploy).map(([k, v]) => [k, summarize(v, 1)])),
    diffUnchanged: { ...summarize(diffTimes, 1), goalMs: DIFF_GOAL_MS },
    detectDriftUnchanged: summarize(driftTimes, 1),
  };
  console.log(JSON.stringify(report));
  const diffMedian = report.diffUnchanged.medianMs;
  console.log(
    `sock-shop (${objects} objects): render+diff+apply into an empty namespace median ${report.deployEmptyNamespace.total?.medianMs} ms ` +
      `(render ${report.deployEmptyNamespace.render?.medianMs}, diff ${report.deployEmptyNamespace.diff?.medianMs}, dry run ${report.deployEmptyNamespace.prepare?.medianMs}, apply ${report.deployEmptyNamespace.apply?.medianMs}); ` +
      `diff of the unchanged app median ${diffMedian} ms (${diffMedian < DIFF_GOAL_MS ? 'meets' : 'misses'} the ${DIFF_GOAL_MS} ms goal), ` +
      `detectDrift median ${report.detectDriftUnchanged.medianMs} ms, over ${runs} runs`,
  );
}

await main();
