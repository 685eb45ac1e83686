#!/usr/bin/env node
/** Entry point of the `mooring` command (bin/mooring). */
import { printable } from './format.js';
import { buildProgram } from './program.js';

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
  await buildProgram().parseAsync(process.argv);
} catch (err) {
  console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 2;
}
