/**
 * A Helm chart repository for tests: charts written from a small description, packaged with the
 * real `helm package` and indexed with `helm repo index` (relative archive URLs), served by
 * node:http on 127.0.0.1 with optional Basic auth. Counts requests, so a test can prove that a
 * render used the cache. helm runs with its own HELM_* homes in the repository's temp directory.
 */
import { execFile } from 'node:child_process';
import { readFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { stringify as stringifyYaml } from 'yaml';
import { toolBinary } from '../../activities/render/run-tool.js';

const run = promisify(execFile);

/** A chart to write: a ConfigMap named after the release holding `message` from the values. */
export interface TestChart {
  name: string;
  version: string;
  /** `values.yaml` content. @default { message: "<name> <version>" } */
  values?: Record<string, unknown>;
  /** Chart.yaml `dependencies`. */
  dependencies?: { name: string; version: string; repository: string }[];
  /** More files, by path inside the chart. */
  files?: Record<string, string>;
  /** Run `helm dependency build` before packaging, so the archive carries its dependencies. @default false */
  vendorDependencies?: boolean;
}

/** Options of {@link serveChartRepo}. */
export interface ChartRepoOptions {
  /** Basic auth every request must carry. */
  auth?: { username: string; password: string };
}

/** A running chart repository. */
export interface ChartRepoServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Directory of the archives and index.yaml. */
  dir: string;
  /** The isolated helm environment the repository packages with. */
  helmEnv: Record<string, string>;
  /** Writes, packages and indexes `chart` (the index is rebuilt); returns the archive path. */
  add(chart: TestChart): Promise<string>;
  /** Paths requested so far (answered or not). */
  requests(): string[];
  /** Requests refused with 401. */
  unauthorized(): number;
  close(): Promise<void>;
}

/** Writes the chart source of `chart` into `dir/<name>` and returns that directory. */
export async function writeTestChart(dir: string, chart: TestChart): Promise<string> {
  const chartDir = join(dir, chart.name);
  await mkdir(join(chartDir, 'templates'), { recursive: true });
  const meta: Record<string, unknown> = {
    apiVersion: 'v2',
    name: chart.name,
    version: chart.version,
    type: 'application',
  };
  if (chart.dependencies) meta.dependencies = chart.dependencies;
  await writeFile(join(chartDir, 'Chart.yaml'), stringifyYaml(meta));
  await writeFile(
    join(chartDir, 'values.yaml'),
    stringifyYaml(chart.values ?? { message: `${chart.name} ${chart.version}` }),
  );
  await writeFile(
    join(chartDir, 'templates', 'configmap.yaml'),
    [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      `  name: {{ .Release.Name }}-${chart.name}`,
      'data:',
      '  message: {{ .Values.message | quote }}',
      `  chartVersion: {{ .Chart.Version | quote }}`,
      '',
    ].join('\n'),
  );
  for (const [path, content] of Object.entries(chart.files ?? {})) {
    await mkdir(join(chartDir, path, '..'), { recursive: true });
    await writeFile(join(chartDir, path), content);
  }
  return chartDir;
}

/** An isolated helm environment under `dir` (never the user's repositories or logins). */
export function isolatedHelmEnv(dir: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: dir,
    HELM_CACHE_HOME: join(dir, 'helm-cache'),
    HELM_CONFIG_HOME: join(dir, 'helm-config'),
    HELM_DATA_HOME: join(dir, 'helm-data'),
  };
}

/** Packages the chart source at `chartDir` into `outDir`; returns the archive path. */
export async function packageChart(
  chartDir: string,
  outDir: string,
  env: Record<string, string>,
): Promise<string> {
  const { stdout } = await run(toolBinary('helm'), ['package', chartDir, '-d', outDir], {
    env,
    timeout: 60_000,
  });
  const match = /saved it to: (.+\.tgz)/.exec(stdout);
  if (!match?.[1]) throw new Error(`helm package gave no archive path: ${stdout}`);
  return match[1].trim();
}

/** Starts a chart repository (empty until `add`). */
export async function serveChartRepo(options: ChartRepoOptions = {}): Promise<ChartRepoServer> {
  const root = await mkdtemp(join(tmpdir(), 'mooring-chart-repo-'));
  const dir = join(root, 'repo');
  const sources = join(root, 'src');
  await mkdir(dir);
  await mkdir(sources);
  const helmEnv = isolatedHelmEnv(root);
  const requests: string[] = [];
  let refused = 0;
  const expected =
    options.auth &&
    `Basic ${Buffer.from(`${options.auth.username}:${options.auth.password}`).toString('base64')}`;
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    requests.push(path);
    if (expected && req.headers.authorization !== expected) {
      refused += 1;
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="charts"' }).end();
      return;
    }
    const name = basename(path);
    if (req.method !== 'GET' || path !== `/${name}` || !/^[\w.-]+\.(tgz|yaml)$/.test(name)) {
      res.writeHead(404).end();
      return;
    }
    readFile(join(dir, name)).then(
      (body) => res.writeHead(200, { 'content-length': body.length }).end(body),
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    dir,
    helmEnv,
    async add(chart) {
      const chartDir = await writeTestChart(join(sources, `${chart.name}-${chart.version}`), chart);
      if (chart.vendorDependencies && chart.dependencies?.length)
        await run(toolBinary('helm'), ['dependency', 'build', chartDir], { env: helmEnv, timeout: 60_000 });
      const archive = await packageChart(chartDir, dir, helmEnv);
      await run(toolBinary('helm'), ['repo', 'index', dir], { env: helmEnv, timeout: 60_000 });
      return archive;
    },
    requests: () => [...requests],
    unauthorized: () => refused,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(root, { recursive: true, force: true });
    },
  };
}
