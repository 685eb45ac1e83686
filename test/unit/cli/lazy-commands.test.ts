/**
 * `mooring` loads only the command it runs: the root help comes from stubs that must read exactly
 * like the commands they stand for, `--help` loads neither the Temporal SDK nor any command module,
 * and the process ends as soon as the command has its answer.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { Command } from 'commander';
import { buildProgram, COMMANDS } from '../../../cli/program.js';
import { projectRoot } from '../../support/stack.js';

const run = promisify(execFile);
const bin = join(projectRoot, 'bin', 'mooring');

/**
 * A module URL, or for a file of the bundled CLI (dist/bin, scripts/bundle-cli.ts) the modules it
 * holds, as `/dist/cli/program.js`-like paths.
 */
const bundleDir = pathToFileURL(join(projectRoot, 'dist', 'bin')).href + '/';
let bundleMeta: { outputs: Record<string, { inputs: Record<string, unknown> }> } | undefined;

function bundledSources(url: string): string[] {
  if (!url.startsWith(bundleDir)) return [url];
  const meta = (bundleMeta ??= JSON.parse(
    readFileSync(join(projectRoot, 'dist', 'bin', 'mooring.meta.json'), 'utf8'),
  ) as NonNullable<typeof bundleMeta>);
  const output = meta.outputs[`dist/bin/${url.slice(bundleDir.length)}`];
  assert.ok(output, `${url} is an output of the CLI bundle`);
  return Object.keys(output.inputs).map((input) => `/${input}`);
}

const sub = (program: Command, name: string): Command | undefined =>
  program.commands.find((c) => c.name() === name);

test('the root help from stubs is the root help of the full command tree', async () => {
  const full = await buildProgram();
  const lazy = await buildProgram(['node', 'mooring', '--help']);
  assert.equal(lazy.helpInformation(), full.helpInformation());
  for (const c of COMMANDS) {
    const real = sub(full, c.name);
    assert.ok(real, `${c.name} is registered by its module`);
    assert.equal(c.description, real.description(), `the stub of ${c.name} has its description`);
    assert.equal(c.options, real.options.length > 0, `the stub of ${c.name} says whether it has options`);
    assert.equal(sub(lazy, c.name)?.commands.length, 0, `${c.name} is a stub for --help`);
  }
});

test('the invoked command is registered in full, after global options and through help NAME', async () => {
  const cases: [string[], string][] = [
    [['app', 'list'], 'app'],
    [['--address', '127.0.0.1:1', '--namespace=x', 'cluster', 'list'], 'cluster'],
    [['help', 'worker'], 'worker'],
    [['--tls-ca', 'app', 'health', '-f', '-'], 'health'], // `app` is the value of --tls-ca
  ];
  for (const [args, loaded] of cases) {
    const program = await buildProgram(['node', 'mooring', ...args]);
    for (const c of COMMANDS) {
      const command = sub(program, c.name);
      assert.ok(command);
      const stub = command.options.every((o) => o.long === '--lazy-stub') && command.commands.length === 0;
      assert.equal(stub, c.name !== loaded, `mooring ${args.join(' ')}: ${c.name}`);
    }
  }
});

test('--help loads no command module and not the Temporal SDK; --version prints the version', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mooring-lazy-'));
  try {
    // A module hook that writes every module URL loaded (ESM and, through the ESM loader, CJS).
    const hooks = join(dir, 'hooks.mjs');
    const loaded = join(dir, 'loaded.txt');
    writeFileSync(
      hooks,
      `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) { appendFileSync(${JSON.stringify(loaded)}, url + '\\n'); return next(url, context); }`,
    );
    const register = join(dir, 'register.mjs');
    writeFileSync(
      register,
      `import { register } from 'node:module'; register(${JSON.stringify(pathToFileURL(hooks).href)});`,
    );
    const env = { ...process.env, NODE_OPTIONS: `--import ${pathToFileURL(register).href}` };
    const help = await run(bin, ['--help'], { env, timeout: 60_000 });
    assert.match(help.stdout, /^Usage: mooring \[options\] \[command\]/);
    const urls = readFileSync(loaded, 'utf8').split('\n').flatMap(bundledSources);
    assert.ok(
      urls.some((u) => u.includes('/cli/program.')),
      'the hook saw the program load',
    );
    assert.deepEqual(
      urls.filter((u) => /\/cli\/commands\/|\/@temporalio\/|\/@kubernetes\//.test(u)),
      [],
    );

    const pkg = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string };
    const version = await run(bin, ['--version'], { timeout: 60_000 });
    assert.equal(version.stdout, `${pkg.version}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
