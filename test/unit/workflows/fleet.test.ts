import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ApplicationSummary } from '../../../contract/activities.js';
import { groupByRevision } from '../../../workflows/fleet.js';

function summary(name: string, repoURL: string, targetRevision: string, chart?: string): ApplicationSummary {
  return {
    name,
    workflowId: `app/${name}`,
    cluster: 'local',
    repoURL,
    targetRevision,
    ...(chart !== undefined && { chart }),
    namespace: name,
    syncOptions: [],
    ignoreDifferences: [],
  };
}

test('groupByRevision checks each repository, chart and revision once, and never mixes charts', () => {
  const groups = groupByRevision([
    summary('a', 'https://git.example/mono', 'main'),
    summary('b', 'https://git.example/mono', 'main'),
    summary('web', 'oci://registry.example/charts', '^1.0.0', 'web'),
    summary('web-2', 'oci://registry.example/charts', '^1.0.0', 'web'),
    summary('api', 'oci://registry.example/charts', '^1.0.0', 'api'),
  ]);
  assert.deepEqual(
    groups.map((g) => [g.repoURL, g.targetRevision, g.chart, g.apps.map((a) => a.name)]),
    [
      ['https://git.example/mono', 'main', undefined, ['a', 'b']],
      ['oci://registry.example/charts', '^1.0.0', 'web', ['web', 'web-2']],
      ['oci://registry.example/charts', '^1.0.0', 'api', ['api']],
    ],
  );
  assert.equal('chart' in (groups[0] ?? {}), false, 'a Git group asks checkRemote without a chart');
});
