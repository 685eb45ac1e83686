/**
 * Renders one app source from a repository checkout into objects: picks the source type, runs the
 * renderer, maps Helm hooks and rejects duplicate objects. Reads only inside the checkout.
 */
import type { DirectorySource, HelmSource, KustomizeSource } from '../../config/types.js';
import type { KubeObject } from '../../contract/kube-object.js';
import { mapHelmHook } from '../../core/manifests/helm-hooks.js';
import { renderDirectory } from './render-directory.js';
import { renderHelm } from './render-helm.js';
import { renderKustomize } from './render-kustomize.js';
import { assertNoEscapingSymlinks, resolveAppDir } from './repo-paths.js';
import { detectSourceType } from './source-type.js';
import type { ManifestEntry, SourceType } from '../../core/manifests/types.js';
import { assertUniqueObjects } from '../../core/manifests/unique-objects.js';

/** Options of `renderSource`. */
export interface RenderSourceOptions {
  /** Directory of the repository checkout. */
  root: string;
  /** App directory relative to `root`. */
  path: string;
  appName: string;
  /** Destination namespace. */
  namespace: string;
  helm?: HelmSource;
  kustomize?: KustomizeSource;
  directory?: DirectorySource;
  /** Limit for each kustomize/helm run. @default 60_000 */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Objects of one source, in render order, with the source type used. */
export interface RenderedSource {
  type: SourceType;
  objects: KubeObject[];
}

/** Renders `options.path` of the checkout. Throws ManifestInvalid for anything the user must fix. */
export async function renderSource(options: RenderSourceOptions): Promise<RenderedSource> {
  const { root, appDir } = await resolveAppDir(options.root, options.path);
  const type = await detectSourceType(appDir, options);
  const tool = { root, timeoutMs: options.timeoutMs, signal: options.signal };
  let entries: ManifestEntry[];
  switch (type) {
    case 'Directory':
      entries = await renderDirectory(appDir, { ...options.directory, root });
      break;
    case 'Kustomize':
      await assertNoEscapingSymlinks(root);
      entries = await renderKustomize(appDir, { ...tool, kustomize: options.kustomize });
      break;
    case 'Helm':
      await assertNoEscapingSymlinks(root);
      entries = await renderHelm(appDir, {
        ...tool,
        appName: options.appName,
        namespace: options.namespace,
        helm: options.helm,
      });
      break;
  }
  const mapped = entries.flatMap((entry) => {
    const object = mapHelmHook(entry.object);
    return object ? [{ ...entry, object }] : [];
  });
  assertUniqueObjects(mapped);
  return { type, objects: mapped.map((entry) => entry.object) };
}
