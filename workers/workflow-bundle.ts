/**
 * The prebuilt workflow bundle: built once (`npm run build`, or on first worker start) into
 * `dist/workflow-bundle.js`, and rebuilt when a workflow source is newer than the bundle.
 */
import { mkdir, readdir, rename, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { BundleOptions } from '@temporalio/worker';

/** The package root, whether this module runs from the sources or compiled into `dist/`. */
const here = join(dirname(fileURLToPath(import.meta.url)), '..');
const root = basename(here) === 'dist' ? dirname(here) : here;
export const WORKFLOWS_ENTRY = join(root, 'workflows', 'index.ts');
const BUNDLE_PATH = join(root, 'dist', 'workflow-bundle.js');

/**
 * How the workflow code is bundled, the same for the worker and the workflow tests. The workflow
 * modules (everything `workflows/index.ts` imports, the SDK's included) are preloaded: the worker
 * evaluates them once, before any workflow runs, and every workflow shares them, where the SDK
 * otherwise evaluates a copy of each module per cached workflow (about 115 KB of heap each; 0.12 MB
 * of RSS less per cached workflow, measured with 600 cached apps). The SDK freezes what preloaded
 * modules export, so those modules keep no state a workflow changes, and export no RegExp with
 * the `g` or `y` flag (matching sets its `lastIndex`): test/unit/workers/workflow-bundle.test.ts.
 */
export function workflowBundleOptions(): Pick<BundleOptions, 'workflowsPath' | 'preloadModules'> {
  return { workflowsPath: WORKFLOWS_ENTRY, preloadModules: [WORKFLOWS_ENTRY] };
}

async function newestSource(): Promise<number> {
  let newest = 0;
  // Everything workflow code may import (the lint rules keep it to these folders). An installed
  // package ships the bundle without these sources: then the bundle is what there is.
  for (const dir of ['workflows', 'contract', 'config', 'core']) {
    const entries = await readdir(join(root, dir), { recursive: true }).catch(() => [] as string[]);
    for (const entry of entries) {
      if (!entry.endsWith('.ts')) continue;
      newest = Math.max(newest, (await stat(join(root, dir, entry))).mtimeMs);
    }
  }
  // This module's bundle options count as a source too.
  const options = await stat(join(root, 'workers', 'workflow-bundle.ts')).catch(() => undefined);
  return Math.max(newest, options?.mtimeMs ?? 0);
}

/** Path of an up-to-date bundle, building it when missing or stale. */
export async function ensureWorkflowBundle(options: { force?: boolean } = {}): Promise<string> {
  const built = await stat(BUNDLE_PATH).then(
    (s) => s.mtimeMs,
    () => 0,
  );
  if (!options.force && built > 0 && built >= (await newestSource())) return BUNDLE_PATH;
  const { code } = await bundleWorkflowCode(workflowBundleOptions());
  await mkdir(dirname(BUNDLE_PATH), { recursive: true });
  // Several workers (test files run side by side) may rebuild at once: never expose a half-written file.
  const partial = `${BUNDLE_PATH}.${process.pid}.tmp`;
  await writeFile(partial, code);
  await rename(partial, BUNDLE_PATH);
  return BUNDLE_PATH;
}
