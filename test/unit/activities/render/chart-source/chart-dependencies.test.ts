import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  chartDependencies,
  dependencySource,
  missingDependencies,
} from '../../../../../activities/render/chart-source/chart-dependencies.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mooring-deps-'));
});
after(() => rm(dir, { recursive: true, force: true }));

test('dependencySource tells vendored, file, http, oci and repo-alias dependencies apart', () => {
  assert.deepEqual(
    [
      '',
      'file://../common',
      'https://charts.example.com',
      'oci://r.example.com/charts',
      '@stable',
      'alias:stable',
    ].map(dependencySource),
    ['vendored', 'file', 'http', 'oci', 'alias', 'alias'],
  );
});

test('missingDependencies lists the declared dependencies with nothing in charts/', async () => {
  const chart = join(dir, 'app');
  await mkdir(join(chart, 'charts', 'common'), { recursive: true });
  await writeFile(
    join(chart, 'Chart.yaml'),
    'apiVersion: v2\nname: app\nversion: 1.0.0\ndependencies:\n' +
      '  - { name: redis, version: 1.x, repository: https://charts.example.com }\n' +
      '  - { name: postgres, version: 2.0.0, repository: oci://r.example.com/charts }\n' +
      '  - { name: common, version: 0.1.0, repository: file://../common }\n',
  );
  await writeFile(join(chart, 'charts', 'redis-cluster-1.0.0.tgz'), '');
  await writeFile(join(chart, 'charts', 'postgres-2.0.0.tgz'), '');
  const declared = await chartDependencies(chart, 'chart "app"');
  assert.deepEqual(
    (await missingDependencies(chart, declared)).map((d) => d.name),
    ['redis'],
  );
});

test('chartDependencies reads requirements.yaml of apiVersion v1 charts and refuses nameless entries', async () => {
  const chart = join(dir, 'legacy');
  await mkdir(chart, { recursive: true });
  await writeFile(join(chart, 'Chart.yaml'), 'apiVersion: v1\nname: legacy\nversion: 1.0.0\n');
  await writeFile(
    join(chart, 'requirements.yaml'),
    'dependencies:\n  - { name: mysql, version: "1.*", repository: "@stable" }\n',
  );
  assert.deepEqual(await chartDependencies(chart, 'chart "legacy"'), [
    { name: 'mysql', version: '1.*', repository: '@stable', source: 'alias' },
  ]);
  await writeFile(join(chart, 'requirements.yaml'), 'dependencies:\n  - { version: "1.*" }\n');
  await assert.rejects(
    chartDependencies(chart, 'chart "legacy"'),
    /dependency 1 of chart "legacy": its name must be a chart name/,
  );
});
