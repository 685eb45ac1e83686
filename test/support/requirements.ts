/**
 * What a test needs beyond Node: one function per requirement, returning why it is missing (the
 * skip reason, with how to get it) or `undefined` when it is there.
 *
 * A binary counts as missing only when it cannot be spawned because it does not exist (`ENOENT`).
 * A binary that exists but fails (a wrong version, a broken install, a timeout) is not a reason to
 * skip: the test runs and fails with the tool's own error. In CI any skip fails the run anyway
 * (`scripts/test`, MOORING_NO_SKIP=1).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { toolBinary } from '../../activities/render/run-tool.js';
import { projectRoot } from './stack.js';

/** The shared Argo CD example apps, `../shared` as the repository sees it. */
export const SHARED_EXAMPLES = join(projectRoot, '..', 'shared', 'examples', 'argocd-example-apps');

/** Debian's chromium, which `scripts/stack install` installs for the Web UI test. */
export const CHROMIUM = '/usr/bin/chromium';

const STACK_PATH = 'put the stack on PATH: eval "$(scripts/stack env)" (scripts/stack install builds it)';

/**
 * Why `command` cannot run, when spawning it fails with ENOENT; `undefined` when it exists,
 * whatever its exit status.
 */
export function binaryMissing(command: string, hint: string): string | undefined {
  const { error } = spawnSync(command, ['--version'], { stdio: 'ignore', timeout: 30_000 });
  if ((error as NodeJS.ErrnoException | undefined)?.code !== 'ENOENT') return undefined;
  return `${command} is not installed or not on PATH: ${hint}`;
}

/** The shared example apps (/work/shared seen as ../shared). */
export function sharedExamplesMissing(): string | undefined {
  return existsSync(SHARED_EXAMPLES)
    ? undefined
    : `the shared examples are not at ${SHARED_EXAMPLES} (../shared from the project root)`;
}

/** helm, or MOORING_HELM, as the render activities run it. */
export function helmMissing(): string | undefined {
  return binaryMissing(toolBinary('helm'), STACK_PATH);
}

/** kustomize, or MOORING_KUSTOMIZE, as the render activities run it. */
export function kustomizeMissing(): string | undefined {
  return binaryMissing(toolBinary('kustomize'), STACK_PATH);
}

/** The Temporal CLI, which also runs the dev server. */
export function temporalMissing(): string | undefined {
  return binaryMissing('temporal', STACK_PATH);
}

/** Chromium for the browser test. */
export function chromiumMissing(): string | undefined {
  return binaryMissing(CHROMIUM, "scripts/stack install installs Debian's chromium");
}
