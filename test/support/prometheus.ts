/**
 * The local stack's Prometheus (scripts/stack up) for integration tests: instant queries through
 * its HTTP API, the test exporter's settable gauges (scripts/prometheus/test-exporter.ts), and scrape
 * targets registered through file_sd (one JSON file per target in MOORING_PROMETHEUS_TARGETS_DIR,
 * picked up by Prometheus itself). The stack scrapes every 2 s.
 */
import { rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { waitFor } from './wait.js';

/** One series of an instant query's result: its labels and value (a scalar result has no labels). */
export interface PromSample {
  metric: Record<string, string>;
  value: number;
}

/** One active target of /api/v1/targets. */
export interface PromTarget {
  scrapePool: string;
  scrapeUrl: string;
  labels: Record<string, string>;
  health: 'up' | 'down' | 'unknown';
  lastError: string;
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value)
    throw new Error(
      `${name} is not set: start the stack with scripts/stack up (it starts Prometheus) and ` +
        `eval "$(scripts/stack env)", or run the tests through scripts/test`,
    );
  return value;
}

/** The local Prometheus, e.g. http://127.0.0.1:9091 (MOORING_PROMETHEUS_URL). */
export function prometheusUrl(): string {
  return requiredEnv('MOORING_PROMETHEUS_URL');
}

/** The test exporter, e.g. http://127.0.0.1:9475 (MOORING_TEST_EXPORTER_URL). */
export function exporterUrl(): string {
  return requiredEnv('MOORING_TEST_EXPORTER_URL');
}

interface ApiResponse<T> {
  status: 'success' | 'error';
  data?: T;
  errorType?: string;
  error?: string;
}

async function api<T>(path: string, what: string): Promise<T> {
  const url = `${prometheusUrl()}${path}`;
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  } catch (err) {
    throw new Error(
      `Prometheus at ${prometheusUrl()} did not answer ${what}: ${(err as Error).message}; is it up? (scripts/stack status)`,
      { cause: err },
    );
  }
  const body = (await res
    .json()
    .catch(() => ({ status: 'error', error: `HTTP ${res.status}, not JSON` }))) as ApiResponse<T>;
  if (body.status !== 'success' || body.data === undefined)
    throw new Error(
      `Prometheus rejected ${what}: ${body.errorType ?? `HTTP ${res.status}`}: ${body.error ?? 'no message'}`,
    );
  return body.data;
}

/** Runs `expr` as an instant query (now) and returns its vector; a scalar is one unlabelled sample. */
export async function promQuery(expr: string): Promise<PromSample[]> {
  const data = await api<{ resultType: string; result: unknown }>(
    `/api/v1/query?query=${encodeURIComponent(expr)}`,
    `the query ${expr}`,
  );
  if (data.resultType === 'scalar') {
    const [, v] = data.result as [number, string];
    return [{ metric: {}, value: Number(v) }];
  }
  if (data.resultType !== 'vector')
    throw new Error(`the query ${expr} returned a ${data.resultType}, not an instant vector`);
  return (data.result as { metric: Record<string, string>; value: [number, string] }[]).map((s) => ({
    metric: s.metric,
    value: Number(s.value[1]),
  }));
}

/** Polls `expr` until `predicate` holds for its vector (default 30 s); fails showing the last one. */
export async function waitForSeries(
  expr: string,
  predicate: (samples: PromSample[]) => boolean,
  timeoutMs = 30_000,
): Promise<PromSample[]> {
  let last: PromSample[] | undefined;
  return await waitFor(
    `the query ${expr} to return the expected series`,
    async () => {
      last = await promQuery(expr);
      return predicate(last) ? last : undefined;
    },
    { timeoutMs, intervalMs: 500, describe: () => `last result: ${JSON.stringify(last ?? 'none')}` },
  );
}

/** Active scrape targets (GET /api/v1/targets?state=active). */
export async function scrapeTargets(): Promise<PromTarget[]> {
  const data = await api<{ activeTargets: PromTarget[] }>(
    '/api/v1/targets?state=active',
    'the targets request',
  );
  return data.activeTargets;
}

async function exporterRequest(method: 'PUT' | 'DELETE', name: string, body?: unknown): Promise<void> {
  const url = `${exporterUrl()}/values/${encodeURIComponent(name)}`;
  const res = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) throw new Error(`${method} ${url} failed: HTTP ${res.status}: ${(await res.text()).trim()}`);
}

/** Sets one series of the exporter's gauge `name` (the series with exactly these labels). */
export async function setExporterValue(
  name: string,
  labels: Record<string, string>,
  value: number,
): Promise<void> {
  await exporterRequest('PUT', name, { labels, value });
}

/** Removes every series of the exporter's gauge `name`: queries on it then have no data. */
export async function clearExporterValue(name: string): Promise<void> {
  await exporterRequest('DELETE', name);
}

/**
 * Makes Prometheus scrape `target` ('host:port', path /metrics) with `labels`, in the job
 * mooring-test-targets; returns a function that removes it. `id` names the file (unique per test).
 */
export async function registerScrapeTarget(
  id: string,
  target: string,
  labels: Record<string, string> = {},
): Promise<() => Promise<void>> {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(id))
    throw new Error(
      `scrape target id "${id}" must be lowercase letters, digits and dashes (it names a file)`,
    );
  if (!/^[^\s/]+:\d+$/.test(target)) throw new Error(`scrape target "${target}" must be host:port`);
  const dir = requiredEnv('MOORING_PROMETHEUS_TARGETS_DIR');
  const file = join(dir, `${id}.json`);
  // Written aside and renamed: Prometheus must never read half a file (the .tmp name does not match *.json).
  await writeFile(`${file}.tmp`, JSON.stringify([{ targets: [target], labels }], null, 1));
  await rename(`${file}.tmp`, file);
  return async () => {
    await rm(file, { force: true });
  };
}
