/**
 * Render time of a Helm chart from an OCI registry, cold and cached, on loopback: the real CNCF
 * distribution registry (htpasswd auth), a chart pushed with `helm push`, and `renderSource` as the
 * agent runs it. Each run uses a new ChartSource:
 *
 *  - cold: resolve `^1.0.0` (tag list + manifest, token flow), pull the layer by digest, unpack it
 *    into an empty cache, `helm template`;
 *  - cached: the same pin rendered again from the cache (no request), `helm template` only;
 *  - resolve: the resolve step alone (what a poll costs).
 *
 *   eval "$(scripts/stack env)" && node --import tsx bench/chart-render.ts [--runs 9]
 *
 * Prints the medians (and min/max) in a markdown table and writes bench/results/chart-render-<date>.json.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { ChartCredentials, ChartSource } from '../activities/render/chart-source/index.js';
import { renderSource } from '../activities/render/render-source.js';
import { serveChartRepo } from '../test/support/chart-repo.js';
import { startOciRegistry } from '../test/support/oci-registry.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '9' } } });
const runs = Number(values.runs);
const user = { username: 'bench', password: 'bench-password' };
const tmp = await mkdtemp(join(tmpdir(), 'mooring-chart-bench-'));
const repo = await serveChartRepo();
const registry = await startOciRegistry({ auth: user });
const samples: Record<'cold' | 'cached' | 'resolve', number[]> = { cold: [], cached: [], resolve: [] };
try {
  const templates: Record<string, string> = {};
  for (let i = 0; i < 20; i++)
    templates[`templates/deployment-${i}.yaml`] =
      `apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: {{ .Release.Name }}-${i} }\nspec:\n  replicas: 1\n  selector: { matchLabels: { app: a${i} } }\n  template:\n    metadata: { labels: { app: a${i} } }\n    spec: { containers: [{ name: c, image: "nginx:1" }] }\n`;
  const archive = await repo.add({ name: 'web', version: '1.4.2', files: templates });
  await registry.push(archive);
  const repoURL = `oci://${registry.host}/charts`;
  const credentials = new ChartCredentials([{ urlPrefix: repoURL, ...user }]);
  for (let run = 0; run < runs; run++) {
    const charts = new ChartSource({
      dir: join(tmp, `cache-${run}`),
      credentials,
      policy: { plainHttpHosts: [registry.host] },
      sweepIntervalMs: 0,
    });
    const renderPin = async (pin: { version: string; digest: string }) =>
      renderSource({
        chart: { repoURL, chart: 'web', ...pin },
        charts,
        path: '',
        appName: 'bench',
        namespace: 'bench',
      });
    let start = performance.now();
    const pin = await charts.resolve({ repoURL, chart: 'web', targetRevision: '^1.0.0' });
    const { objects } = await renderPin(pin);
    samples.cold.push(performance.now() - start);
    if (objects.length !== 21) throw new Error(`expected 21 objects, got ${objects.length}`);
    start = performance.now();
    await renderPin(pin);
    samples.cached.push(performance.now() - start);
    start = performance.now();
    await charts.resolve({ repoURL, chart: 'web', targetRevision: '^1.0.0' });
    samples.resolve.push(performance.now() - start);
  }
} finally {
  await registry.close();
  await repo.close();
  await rm(tmp, { recursive: true, force: true });
}

const stats = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? NaN;
  return {
    median: Math.round(median),
    min: Math.round(sorted[0] ?? NaN),
    max: Math.round(sorted.at(-1) ?? NaN),
  };
};
const result = {
  date: new Date().toISOString(),
  runs,
  chart: 'web 1.4.2 (21 objects) from the distribution registry on 127.0.0.1, htpasswd auth',
  ms: { cold: stats(samples.cold), cached: stats(samples.cached), resolve: stats(samples.resolve) },
};
console.log(`| ${runs} runs | median ms | min | max |\n|---|---|---|---|`);
for (const [name, s] of Object.entries(result.ms))
  console.log(`| ${name} | ${s.median} | ${s.min} | ${s.max} |`);
await mkdir(join(import.meta.dirname, 'results'), { recursive: true });
await writeFile(
  join(import.meta.dirname, 'results', `chart-render-${result.date.slice(0, 10)}.json`),
  `${JSON.stringify(result, null, 2)}\n`,
);
