#!/usr/bin/env node
/** Entry point of the `mooring` command (bundled into dist/bin/mooring.js: bin/mooring, or as installed). */
import module from 'node:module';
import { printable } from './format.js';

// Node ≥ 22.1 keeps compiled code between runs (most of a short command's start-up); Node 20 has
// no such cache and runs without it.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

// `mooring app list | head` closes the pipe early; that is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

// What a command prints can hold text from specs, Git, the cluster or workflow failures: through
// the console it never reaches the terminal raw (escape sequences are shown as `\x1b[...`).
for (const method of ['log', 'error', 'warn', 'info'] as const) {
  const write = console[method].bind(console);
  console[method] = (...args: unknown[]) =>
    write(...args.map((a) => (typeof a === 'string' ? printable(a) : a)));
}

try {
  // Imported after the compile cache is on; it loads only the module of the command being run.
  const { buildProgram } = await import('./program.js');
  await (await buildProgram(process.argv)).parseAsync(process.argv);
} catch (err) {
  console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 2;
}

// The command has its answer (long-running ones return once told to stop): a timer or socket a
// library left behind must not keep the process alive. Exit once stdout and stderr are flushed.
await Promise.all([process.stdout, process.stderr].map((s) => new Promise((done) => s.write('', done))));
process.exit();
