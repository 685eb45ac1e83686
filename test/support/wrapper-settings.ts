/**
 * The process settings `bin/mooring` gives Node (`bin/mooring.env`): environment variables, each
 * applied only where the environment does not set it, and `MOORING_NODE_OPTIONS`, the options
 * placed before the script. Read here so that what starts `dist/bin/mooring.js` directly (the
 * benches) runs it as the wrapper does, and the tests can tell the wrapper's variables apart.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface WrapperSettings {
  /** Every variable of the file, as written there. */
  variables: ReadonlyMap<string, string>;
  /** The variables with the environment's own values kept, as bin/mooring exports them. */
  env: Record<string, string>;
  /** `MOORING_NODE_OPTIONS` (or the environment's), split on whitespace as bin/mooring splits it. */
  nodeOptions: string[];
}

export function wrapperSettings(root: string, environment: NodeJS.ProcessEnv = process.env): WrapperSettings {
  const file = join(root, 'bin/mooring.env');
  const variables = new Map<string, string>();
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, index) => {
      if (line.trim() === '' || line.startsWith('#')) return;
      const eq = line.indexOf('=');
      if (eq < 1) throw new Error(`${file}:${index + 1}: expected NAME=value, got "${line}"`);
      variables.set(line.slice(0, eq), line.slice(eq + 1));
    });
  const env = Object.fromEntries(
    [...variables].map(([name, value]) => [name, environment[name] ?? value] as const),
  );
  const nodeOptions = (env.MOORING_NODE_OPTIONS ?? '').split(/\s+/).filter(Boolean);
  return { variables, env, nodeOptions };
}
