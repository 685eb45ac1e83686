/**
 * The workflow modules are preloaded (workers/workflow-bundle.ts): one copy shared by every
 * workflow, its exports frozen by the SDK. A frozen RegExp with the `g` or `y` flag throws as soon
 * as `replace`, `exec` or `test` sets its `lastIndex`, so no module workflow code may import exports one.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { workflowBundleOptions, WORKFLOWS_ENTRY } from '../../../workers/workflow-bundle.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
/** Where workflow code may import from (the lint rules keep it to these folders). */
const WORKFLOW_SOURCE_DIRS = ['workflows', 'contract', 'config', 'core'];

async function sourceFiles(): Promise<string[]> {
  const files: string[] = [];
  for (const dir of WORKFLOW_SOURCE_DIRS)
    for (const entry of await readdir(join(ROOT, dir), { recursive: true }))
      if (entry.endsWith('.ts') && !entry.endsWith('.d.ts')) files.push(join(dir, entry));
  return files.sort();
}

/** Exported values (and the members of exported plain objects and arrays) that are stateful RegExps. */
function statefulRegExps(exports: Record<string, unknown>): string[] {
  const found: string[] = [];
  const check = (name: string, value: unknown): void => {
    if (value instanceof RegExp && (value.global || value.sticky)) found.push(`${name} = ${String(value)}`);
  };
  for (const [name, value] of Object.entries(exports)) {
    check(name, value);
    if (Array.isArray(value)) value.forEach((v, i) => check(`${name}[${i}]`, v));
    else if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype)
      for (const [key, v] of Object.entries(value)) check(`${name}.${key}`, v);
  }
  return found;
}

describe('the preloaded workflow modules', () => {
  it('are the workflow entry point and everything it imports', () => {
    assert.deepEqual(workflowBundleOptions(), {
      workflowsPath: WORKFLOWS_ENTRY,
      preloadModules: [WORKFLOWS_ENTRY],
    });
  });

  it('export no RegExp with the g or y flag, which a frozen export cannot use', async () => {
    const offenders: string[] = [];
    const files = await sourceFiles();
    assert.ok(
      files.length > 50,
      `found only ${files.length} source files under ${WORKFLOW_SOURCE_DIRS.join(', ')}`,
    );
    for (const file of files) {
      const exports = (await import(pathToFileURL(join(ROOT, file)).href)) as Record<string, unknown>;
      offenders.push(...statefulRegExps(exports).map((found) => `${file}: ${found}`));
    }
    assert.deepEqual(offenders, []);
  });
});
