/** The worker's metrics sink: what the workflows report lands in the counters Prometheus scrapes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { WorkflowInfo } from '@temporalio/workflow';
import { MooringMetrics } from '../../../workers/metrics.js';

const info = {} as WorkflowInfo;

test('scale decisions, evaluations and analyses are counted by app, with the replicas as a gauge', async () => {
  const metrics = new MooringMetrics(async () => []);
  const sinks = metrics.sinks().metrics;
  await sinks.scaled.fn(info, { app: 'web', initiatedBy: 'autoscaler', direction: 'up', replicas: 4 });
  await sinks.scaled.fn(info, { app: 'web', initiatedBy: 'operator', direction: 'down', replicas: 2 });
  await sinks.autoscaleEvaluated.fn(info, { app: 'web', result: 'unavailable' });
  await sinks.analysisFinished.fn(info, { app: 'web', phase: 'Failed' });
  const text = await metrics.registry.metrics();
  assert.match(
    text,
    /^mooring_autoscale_decisions_total\{app="web",initiated_by="autoscaler",direction="up"\} 1$/m,
  );
  assert.match(
    text,
    /^mooring_autoscale_decisions_total\{app="web",initiated_by="operator",direction="down"\} 1$/m,
  );
  assert.match(text, /^mooring_autoscale_replicas\{app="web"\} 2$/m);
  assert.match(text, /^mooring_autoscale_evaluations_total\{app="web",result="unavailable"\} 1$/m);
  assert.match(text, /^mooring_analysis_total\{app="web",phase="Failed"\} 1$/m);
  for (const sink of Object.values(sinks)) assert.equal(sink.callDuringReplay, false);
});
