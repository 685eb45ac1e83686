/**
 * The CLI as users install it: `npm pack` of this checkout, `npm install -g` of the tarball into a
 * scratch prefix, then the installed `mooring` command: it runs the compiled JavaScript (no
 * TypeScript toolchain in the package), answers `--help`, talks to the local stack, and exits as
 * soon as it has its answer.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../support/stack.js';

const run = promisify(execFile);

describe('the packed CLI', () => {
  let scratch = '';
  let mooring = '';

  before(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'mooring-pack-'));
    // `npm ci` built dist/ (the prepare script); a checkout without a build gets one here.
    if (!existsSync(join(projectRoot, 'dist/.build-stamp')))
      await run(join(projectRoot, 'scripts/build'), [], { cwd: projectRoot, timeout: 300_000 });
    await run('npm', ['pack', '--ignore-scripts', '--pack-destination', scratch], {
      cwd: projectRoot,
      timeout: 120_000,
    });
    const [tarball] = (await readdir(scratch)).filter((f) => f.endsWith('.tgz'));
    assert.ok(tarball, 'npm pack wrote a tarball');
    await run(
      'npm',
      [
        'install',
        '-g',
        '--prefix',
        join(scratch, 'prefix'),
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        join(scratch, tarball),
      ],
      { timeout: 300_000 },
    );
    mooring = join(scratch, 'prefix', 'bin', 'mooring');
  });
  after(async () => {
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  test('the package holds compiled JavaScript and the workflow bundle, not the sources', async () => {
    const installed = join(scratch, 'prefix', 'lib', 'node_modules', 'mooring');
    assert.ok(existsSync(join(installed, 'dist', 'bin', 'mooring.js')));
    assert.ok(existsSync(join(installed, 'dist', 'workflow-bundle.js')));
    assert.ok(!existsSync(join(installed, 'cli', 'main.ts')));
    assert.ok(!existsSync(join(installed, 'node_modules', 'tsx')), 'no TypeScript loader needed at run time');
  });

  test('the installed command answers --help and app list, then exits', async () => {
    const help = await run(mooring, ['--help'], { timeout: 20_000 });
    assert.match(help.stdout, /^Usage: mooring \[options\] \[command\]/);
    assert.match(help.stdout, /webhook/);
    // A timer or an open connection left behind would keep it running into the timeout.
    const list = await run(mooring, ['app', 'list'], { timeout: 20_000, env: process.env });
    assert.equal(list.stderr.includes('error'), false, list.stderr);
  });
});
