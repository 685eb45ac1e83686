/**
 * Checks, before kustomize runs, every kustomization reachable from the app directory through
 * local resources, bases, components and plugin-config directories: remote entries are refused
 * unless the policy allows remote bases, plugins (Helm charts, exec/container functions,
 * non-builtin plugins) unless it allows plugins, and local entries must stay inside the repository.
 * Reads only the checkout; the sorting of entries is core/manifests/kustomization-refs.ts.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { ManifestInvalid, PolicyViolation } from '../../contract/errors.js';
import { KUSTOMIZATION_FILES } from '../../core/manifests/kustomize-edits.js';
import {
  kustomizationRefs,
  pluginConfigTextProblem,
  type KustomizationEntry,
  type KustomizationRefs,
} from '../../core/manifests/kustomization-refs.js';
import type { RenderPolicy } from '../../core/manifests/render-policy.js';
import { redactUrl } from '../../core/git/redact.js';
import { exists, isInside, repoRelative } from './repo-paths.js';

/** Most kustomizations followed from one app, against reference cycles and fan-out bombs. */
const MAX_KUSTOMIZATIONS = 1000;

/** The kustomization file of `dir` (as `findKustomization`, without importing the renderer). */
async function kustomizationIn(dir: string): Promise<string | undefined> {
  for (const name of KUSTOMIZATION_FILES) if (await exists(join(dir, name))) return join(dir, name);
  return undefined;
}

interface Pending {
  dir: string;
  /** The directory is a source of plugin configs (from generators/transformers/validators). */
  pluginSource: boolean;
}

/** Resolves a local entry of the kustomization in `dir`; throws when it leaves the repository. */
async function localTarget(
  root: string,
  file: string,
  dir: string,
  ref: KustomizationEntry,
): Promise<{ path: string; isDirectory: boolean } | undefined> {
  const path = resolve(dir, ref.entry);
  const real = await realpath(path).catch(() => undefined);
  if (!isInside(root, path) || (real !== undefined && !isInside(root, real))) {
    throw new ManifestInvalid(
      `Kustomization "${file}" refers to "${ref.entry}" in ${ref.field}, which is outside the repository`,
    );
  }
  if (real === undefined) return undefined; // kustomize reports the missing entry itself
  return { path: real, isDirectory: (await stat(real)).isDirectory() };
}

/** Throws PolicyViolation or ManifestInvalid at the first entry the policy refuses. */
export async function assertKustomizePolicy(
  root: string,
  appDir: string,
  policy: RenderPolicy,
): Promise<void> {
  const seen = new Set<string>();
  const pending: Pending[] = [{ dir: appDir, pluginSource: false }];
  for (let next = pending.shift(); next !== undefined; next = pending.shift()) {
    const key = `${next.dir}\0${next.pluginSource}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (seen.size > MAX_KUSTOMIZATIONS) {
      throw new ManifestInvalid(
        `App path "${repoRelative(root, appDir)}" reaches more than ${MAX_KUSTOMIZATIONS} kustomizations`,
      );
    }
    const path = await kustomizationIn(next.dir);
    if (!path) continue; // a plain directory resource: kustomize decides
    const file = repoRelative(root, path);
    let refs: KustomizationRefs;
    try {
      refs = kustomizationRefs(await readFile(path, 'utf8'));
    } catch (error) {
      throw new ManifestInvalid(`Kustomization "${file}" is not valid YAML: ${(error as Error).message}`);
    }
    const [remote] = refs.remote;
    if (remote && !policy.allowRemoteBases) {
      throw new PolicyViolation(
        `Kustomization "${file}" refers to remote "${redactUrl(remote.entry)}" in ${remote.field}; remote bases are off unless the app's project allows them (allowRemoteBases): vendor it into the repository`,
      );
    }
    const [plugin] = refs.plugins;
    if (plugin && !policy.allowPlugins) {
      throw new PolicyViolation(
        `Kustomization "${file}" uses a plugin in ${plugin.field}: ${plugin.entry}; kustomize plugins are off unless the app's project allows them (allowPlugins)`,
      );
    }
    const local = next.pluginSource ? [...refs.local, ...refs.pluginConfigs] : refs.local;
    for (const ref of local) {
      const target = await localTarget(root, file, dirname(path), ref);
      if (!target) continue;
      if (target.isDirectory) pending.push({ dir: target.path, pluginSource: next.pluginSource });
      else if (next.pluginSource && !policy.allowPlugins) await assertPluginConfig(file, ref, target.path);
    }
    if (!next.pluginSource) {
      for (const ref of refs.pluginConfigs) {
        const target = await localTarget(root, file, dirname(path), ref);
        if (!target) continue;
        if (target.isDirectory) pending.push({ dir: target.path, pluginSource: true });
        else if (!policy.allowPlugins) await assertPluginConfig(file, ref, target.path);
      }
    }
  }
}

async function assertPluginConfig(file: string, ref: KustomizationEntry, path: string): Promise<void> {
  const problem = pluginConfigTextProblem(await readFile(path, 'utf8'));
  if (problem) {
    throw new PolicyViolation(
      `Kustomization "${file}" uses a plugin in ${ref.field} ("${ref.entry}"): ${problem}; kustomize plugins are off unless the app's project allows them (allowPlugins)`,
    );
  }
}
