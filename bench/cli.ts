/**
 * Start-up of the compiled CLI (`dist/bin/mooring.js`, what `npm install -g` installs) against the
 * running local stack: `mooring --help`, `mooring app list` and `mooring app get NAME` for an app a
 * worker serves, each run 10 times one after another. Goals: --help ≤ 0.2 s, list and get ≤ 0.3 s.
 *
 *   npm run build && eval "$(scripts/stack env)" && node --import tsx bench/cli.ts [--runs 10]
 *
 * Prints one JSON line, then lines for humans.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { promisify } from 'node:util';
import { settledAt, startE2e } from '../test/support/e2e.js';
import { projectRoot } from '../test/support/stack.js';
import { summarize } from './support/stats.js';

const run = promisify(execFile);
const { values } = parseArgs({ options: { runs: { type: 'string', default: '10' } } });
const runs = Math.max(5, Number(values.runs) || 10);
const GOALS_MS = { help: 200, list: 300, get: 300 };
const main = join(projectRoot, 'dist/bin/mooring.js');
if (!existsSync(main)) throw new Error(`${main} is missing: run npm run build first`);

async function time(args: string[]): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await run(process.execPath, [main, ...args], { timeout: 30_000 });
    samples.push(performance.now() - t0);
  }
  return samples;
}

const env = await startE2e('clibench');
try {
  const app = await env.createApp('gb-clibench');
  await app.waitStatus('initial sync', settledAt(await app.repo.head()));
  const report = {
    bench: 'cli',
    runs,
    goalsMs: GOALS_MS,
    help: summarize(await time(['--help'])),
    list: summarize(await time(['app', 'list'])),
    get: summarize(await time(['app', 'get', app.name])),
    node: process.version,
  };
  console.log(JSON.stringify(report));
  for (const key of ['help', 'list', 'get'] as const) {
    const s = report[key];
    const label = key === 'help' ? 'mooring --help' : `mooring app ${key}`;
    console.log(
      `${label}: median ${s.medianMs} ms, p95 ${s.p95Ms} ms (${runs} runs) — ${s.medianMs <= GOALS_MS[key] ? 'meets' : 'misses'} the ${GOALS_MS[key]} ms goal`,
    );
  }
} finally {
  await env.close();
}
