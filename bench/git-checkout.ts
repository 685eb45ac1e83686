/**
 * A monorepo commit's checkout: `resolveRevision` then the render's tree, for a commit that touches
 * one app of a repository of `apps` apps × 10 files (the fleet bench's monorepo). Every new commit
 * needs a tree before any app of it renders, so at fleet scale this is on the path from a push to
 * its sync. Local bare repository; the cache is fresh per run.
 *
 *   node --import tsx bench/git-checkout.ts [--apps 1000] [--runs 5]
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { removeEntry } from '../activities/cache/cache-dir.js';
import { GitCredentials, RepoCache } from '../activities/git/index.js';
import { createMonorepo } from './fleet/monorepo.js';
import { summarize } from './support/stats.js';

const { values } = parseArgs({
  options: { apps: { type: 'string', default: '1000' }, runs: { type: 'string', default: '5' } },
});
const apps = Number(values.apps);
const runs = Number(values.runs);

const repo = await createMonorepo(apps);
const work = await mkdtemp(join(tmpdir(), 'mooring-checkout-bench-'));
try {
  const cache = new RepoCache({
    cacheDir: join(work, 'cache'),
    credentials: new GitCredentials([]),
    allowedSchemes: ['file'],
  });
  const first = await cache.resolve(repo.url, repo.branch);
  const t0 = performance.now();
  await cache.checkout(repo.url, first.sha);
  const firstMs = performance.now() - t0;
  const resolveMs: number[] = [];
  const checkoutMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    await repo.touchApp(i % apps, 2 + i);
    const t1 = performance.now();
    const { sha } = await cache.resolve(repo.url, repo.branch);
    const t2 = performance.now();
    await cache.checkout(repo.url, sha);
    const t3 = performance.now();
    resolveMs.push(t2 - t1);
    checkoutMs.push(t3 - t2);
  }
  const result = {
    bench: 'git-checkout',
    at: new Date().toISOString(),
    apps,
    files: apps * 10,
    firstCheckoutMs: Math.round(firstMs),
    afterOneAppChanged: { resolve: summarize(resolveMs), checkout: summarize(checkoutMs) },
  };
  console.log(JSON.stringify(result));
  console.log(
    `${apps} apps (${apps * 10} files): first checkout ${result.firstCheckoutMs} ms; after a commit touching one app: resolve median ${result.afterOneAppChanged.resolve.medianMs} ms, checkout median ${result.afterOneAppChanged.checkout.medianMs} ms (max ${result.afterOneAppChanged.checkout.maxMs})`,
  );
} finally {
  await removeEntry(work); // the trees are read-only
  await repo.remove();
}
