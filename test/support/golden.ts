/**
 * Golden files: `assertGolden(name, actual)` compares with test/fixtures/cli/<name>; run with
 * UPDATE_GOLDEN=1 to rewrite them after an intended change (then review the diff in git).
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { projectRoot } from './stack.js';

export function assertGolden(name: string, actual: string): void {
  const path = join(projectRoot, 'test', 'fixtures', 'cli', name);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  let expected: string;
  try {
    expected = readFileSync(path, 'utf8');
  } catch {
    assert.fail(`Golden file ${path} is missing: run with UPDATE_GOLDEN=1 to create it`);
  }
  assert.equal(actual, expected, `output differs from golden ${name} (UPDATE_GOLDEN=1 rewrites it)`);
}
