/**
 * Bundles the compiled CLI (dist/cli/main.js) into dist/bin/mooring.js, the `mooring` command.
 *
 * A short command's start-up is mostly module loading: resolving, reading and (for CommonJS
 * packages imported from ESM) lexing some hundred files took about 60 ms of `mooring app list`'s
 * 280 ms on a 2-core machine. One ESM file per command path (commands stay lazily loaded chunks)
 * loads in a few milliseconds. Packages stay external, installed beside the bundle as usual, except
 * the small ones every read-only command needs.
 *
 * The output sits one level below dist/, like the compiled modules, so the paths they compute from
 * import.meta.url (package.json, the workflow bundle) still hold.
 */
import { readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { build } from 'esbuild';

/** What `--help`, `app get` and `app list` load: bundled. Every other package is loaded from node_modules. */
const BUNDLED = new Set(['commander', 'protobufjs']);
const OUT_DIR = 'dist/bin';
/** Which modules each output file holds (esbuild's metafile): tests map loaded chunks back to sources. */
const BUNDLE_META = `${OUT_DIR}/mooring.meta.json`;

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies: Record<string, string> };
const external = Object.keys(pkg.dependencies).filter((name) => !BUNDLED.has(name));

const started = performance.now();
await rm(OUT_DIR, { recursive: true, force: true });
const { metafile } = await build({
  entryPoints: { mooring: 'dist/cli/main.js' },
  outdir: OUT_DIR,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: external.flatMap((name) => [name, `${name}/*`]),
  // Bundled CommonJS packages call require() for Node's built-ins, which ESM has no binding for.
  banner: {
    js: "import { createRequire as mooringCreateRequire } from 'node:module'; const require = mooringCreateRequire(import.meta.url);",
  },
  sourcemap: true,
  metafile: true,
  logLevel: 'warning',
});
await writeFile(BUNDLE_META, JSON.stringify(metafile));
console.log(`CLI bundle written to ${OUT_DIR}/mooring.js in ${Math.round(performance.now() - started)} ms`);
