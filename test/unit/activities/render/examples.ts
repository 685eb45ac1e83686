/** The shared Argo CD example apps (`../shared` from the project root), copied to a temp dir. */
import { existsSync } from 'node:fs';
import { cp, mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const EXAMPLES_DIR = fileURLToPath(
  new URL('../../../../../shared/examples/argocd-example-apps', import.meta.url),
);

/** Why example tests must skip, or false when the examples are present. */
export const examplesMissing: string | false = existsSync(EXAMPLES_DIR)
  ? false
  : `shared examples not found at ${EXAMPLES_DIR}`;

/** Copies the examples repository to a fresh temp dir; returns its real path and a cleanup. */
export async function copyExamples(): Promise<{ root: string; remove: () => Promise<void> }> {
  const root = await realpath(await mkdtemp(join(tmpdir(), 'mooring-examples-')));
  await cp(EXAMPLES_DIR, root, { recursive: true, filter: (source) => !source.endsWith('/.git') });
  return { root, remove: () => rm(root, { recursive: true, force: true }) };
}
