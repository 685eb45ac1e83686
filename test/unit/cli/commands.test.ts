/**
 * The `mooring` command as a person runs it (bin/mooring as a subprocess), for everything that
 * needs no server: help texts, the cluster registry, `health -f`, and the errors for bad input.
 * Commands that talk to Temporal are driven end to end in test/integration/.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../../support/stack.js';
import { assertGolden } from '../../support/golden.js';
import type { Command } from 'commander';
import { buildProgram } from '../../../cli/program.js';

const run = promisify(execFile);
const bin = join(projectRoot, 'bin', 'mooring');

async function mooring(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(bin, args, {
      env: { ...process.env, ...env, TEMPORAL_ADDRESS: '127.0.0.1:7233' },
      timeout: 60_000,
    });
    return { stdout, stderr, code: 0 };
  } catch (err) {
    const e = err as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

const HELP = [
  [],
  ['app'],
  ['app', 'apply'],
  ['app', 'list'],
  ['app', 'get'],
  ['app', 'sync'],
  ['app', 'rollback'],
  ['app', 'history'],
  ['app', 'diff'],
  ['app', 'pause'],
  ['app', 'resume'],
  ['app', 'wait'],
  ['app', 'terminate'],
  ['app', 'delete'],
  ['cluster'],
  ['cluster', 'list'],
  ['cluster', 'add'],
  ['codec-server'],
  ['worker'],
  ['health'],
];

test('every command has --help, and its text is pinned', async () => {
  const program = await buildProgram();
  for (const args of HELP) {
    let command: Command = program;
    for (const name of args) {
      const sub = command.commands.find((c) => c.name() === name);
      assert.ok(sub, `mooring ${args.join(' ')} exists`);
      command = sub;
    }
    assertGolden(`help/${['mooring', ...args].join('-')}.txt`, command.helpInformation());
  }
  const real = await mooring(['app', 'sync', '--help']);
  assert.equal(real.code, 0);
  assert.equal(
    real.stdout,
    program.commands
      .find((c) => c.name() === 'app')!
      .commands.find((c) => c.name() === 'sync')!
      .helpInformation(),
  );
});

test('worker --workflow-cache refuses what is not a whole number of at least 2, before connecting', async () => {
  for (const bad of ['1', 'many', '2.5']) {
    const out = await mooring(['worker', '--workflow-cache', bad]);
    assert.equal(out.code, 2);
    assert.match(
      out.stderr,
      new RegExp(
        `--workflow-cache: "${bad.replace('.', '\\.')}" is not a whole number of workflows, at least 2`,
      ),
    );
  }
});

test('cluster add then cluster list shows the registry, with local always present', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mooring-cli-'));
  try {
    const env = { MOORING_CONFIG: dir };
    const added = await mooring(
      ['cluster', 'add', 'prod-eu', '--server', 'https://10.1.2.3:6443', '--label', 'env=prod'],
      env,
    );
    assert.equal(added.code, 0, added.stderr);
    assert.match(added.stdout, /^cluster\/prod-eu added/);
    assertGolden('cluster-list.txt', (await mooring(['cluster', 'list'], env)).stdout);
    const bad = await mooring(['cluster', 'add', 'Bad_Name', '--server', 'https://x'], env);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /name: must be a DNS-1123 label, got "Bad_Name"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('health -f prints one line per object and exits by the worst status', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mooring-cli-'));
  try {
    const file = join(dir, 'objects.yaml');
    writeFileSync(
      file,
      [
        'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {type: ClusterIP}',
        'apiVersion: batch/v1\nkind: Job\nmetadata: {name: migrate}\nstatus:\n  conditions: [{type: Failed, status: "True", reason: BackoffLimitExceeded, message: Job has reached the specified backoff limit}]',
      ].join('\n---\n'),
    );
    const out = await mooring(['health', '-f', file]);
    assertGolden('health.txt', out.stdout);
    assert.equal(out.code, 2, 'a Degraded object exits 2');
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, 'kind: [');
    const err = await mooring(['health', '-f', broken]);
    assert.equal(err.code, 3);
    assert.match(err.stderr, /broken\.yaml/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('app apply names the file, line and field of an invalid spec and registers nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mooring-cli-'));
  try {
    const file = join(dir, 'app.yaml');
    writeFileSync(
      file,
      'apiVersion: mooring.dev/v1\nkind: Application\nmetadata: {name: web}\nspec:\n  source: {repoURL: /srv/git/x.git, path: web}\n  destination: {cluster: local}\n',
    );
    const out = await mooring(['app', 'apply', '-f', file], { MOORING_CONFIG: dir });
    assert.equal(out.code, 2);
    assert.match(
      out.stderr,
      new RegExp(`${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:6: Application/web: .*namespace`),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
