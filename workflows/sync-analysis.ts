/**
 * Metric analysis of a new revision (`spec.analysis`): once the revision is Healthy, a bake time
 * on a durable timer, then every check measured `count` times, `interval` apart, on the cluster's
 * agent. Each timer and measurement is its own event in the Web UI timeline. A failed check ends
 * the analysis at once; the verdict decides between success and the automatic rollback.
 */
import { CancellationScope, proxyActivities, proxySinks, sleep } from '@temporalio/workflow';
import type { AnalysisCheck, AnalysisPolicy } from '../config/types.js';
import type { MetricsActivities } from '../contract/activities.js';
import type { MooringSinks } from '../contract/sinks.js';
import { analysisVerdict, checkVerdict } from '../core/analysis/verdict.js';
import type { AnalysisVerdict, Measurement } from '../core/analysis/verdict.js';
import { metricsProfile } from './activity-profiles.js';
import { failureMessage } from './sync-results.js';

export interface AnalysisRun {
  app: string;
  cluster: string;
  policy: AnalysisPolicy;
  /** Shown by the step query while the analysis runs. */
  onStep: (step: string) => void;
}

export async function runAnalysis(run: AnalysisRun): Promise<AnalysisVerdict> {
  const { policy } = run;
  const agent = proxyActivities<MetricsActivities>(metricsProfile(run.cluster));
  if (policy.bakeTime !== '0s') {
    run.onStep(`analysis: bake ${policy.bakeTime}`);
    await sleep(policy.bakeTime, { summary: `analysis bake time ${policy.bakeTime}` });
  }
  const byCheck: Record<string, Measurement[]> = Object.fromEntries(policy.checks.map((c) => [c.name, []]));
  // The first failed check ends the analysis: the others stop measuring.
  const scope = new CancellationScope();
  let failed = false;
  const measureCheck = async (check: AnalysisCheck): Promise<void> => {
    const measurements = byCheck[check.name] as Measurement[];
    for (let i = 0; i < check.count; i++) {
      if (i > 0) await sleep(check.interval, { summary: `analysis ${check.name}: next measurement` });
      run.onStep(`analysis: ${check.name} ${i + 1}/${check.count}`);
      measurements.push(await measure(agent, run, check, i));
      if (checkVerdict(check, measurements).phase === 'Failed') {
        failed = true;
        scope.cancel();
        return;
      }
    }
  };
  await scope
    .run(() => Promise.all(policy.checks.map(measureCheck)))
    .catch((err: unknown) => {
      if (!failed) throw err;
    });
  const verdict = analysisVerdict(policy, byCheck);
  proxySinks<MooringSinks>().metrics.analysisFinished({ app: run.app, phase: verdict.phase });
  return verdict;
}

async function measure(
  agent: ReturnType<typeof proxyActivities<MetricsActivities>>,
  run: AnalysisRun,
  check: AnalysisCheck,
  index: number,
): Promise<Measurement> {
  try {
    return await agent.queryMetric.executeWithOptions(
      {
        ...metricsProfile(run.cluster),
        summary: `analysis ${check.name} ${index + 1}/${check.count}`,
      },
      [{ app: run.app, check: check.name, query: check.query }],
    );
  } catch (err) {
    if (CancellationScope.current().consideredCancelled) throw err;
    return { noData: failureMessage(err) };
  }
}
