/**
 * The private per-render directory helm and kustomize run in: their home, temp, cache, config,
 * data and (empty) plugin directories, and the values files of `helm.valuesFrom`. Mode 0700,
 * removed when the render ends, whatever the outcome.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RenderPolicy } from '../../core/manifests/render-policy.js';
import { SANDBOX_DIRS, renderToolEnv } from '../../core/manifests/tool-env.js';

/** A live sandbox: its directory and the environment of the tools run in it. */
export interface ToolSandbox {
  dir: string;
  env: Record<string, string>;
}

/** Runs `fn` with a fresh sandbox for `policy`, then removes it. */
export async function withToolSandbox<T>(
  policy: RenderPolicy,
  fn: (sandbox: ToolSandbox) => Promise<T>,
  agentEnv: Readonly<Record<string, string | undefined>> = process.env,
): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'mooring-render-'));
  try {
    for (const name of SANDBOX_DIRS) await mkdir(join(dir, name), { mode: 0o700 });
    return await fn({ dir, env: renderToolEnv({ sandbox: dir, policy, agentEnv }) });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
