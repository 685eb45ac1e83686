/**
 * Renders one app source from a repository checkout into objects: checks every symlink of the
 * checkout, picks the source type, runs the renderer (helm and kustomize in a private sandbox with
 * a minimal environment, the render policy and limits), maps Helm hooks, bounds the object count
 * and rejects duplicate objects. Reads only inside the checkout.
 */
import type { DirectorySource, HelmSource, KustomizeSource } from '../../config/types.js';
import type { KubeObject } from '../../contract/kube-object.js';
import { mapHelmHook } from '../../core/manifests/helm-hooks.js';
import {
  DEFAULT_RENDER_LIMITS,
  assertObjectLimit,
  type RenderLimits,
} from '../../core/manifests/render-limits.js';
import { DEFAULT_RENDER_POLICY, type RenderPolicy } from '../../core/manifests/render-policy.js';
import { renderDirectory } from './render-directory.js';
import { renderHelm, type HelmSecretValues } from './render-helm.js';
import { renderKustomize } from './render-kustomize.js';
import { assertNoEscapingSymlinks, assertNoEscapingSymlinksOnce, resolveAppDir } from './repo-paths.js';
import { detectSourceType } from './source-type.js';
import { withToolSandbox } from './tool-sandbox.js';
import type { ManifestEntry, SourceType } from '../../core/manifests/types.js';
import { assertUniqueObjects } from '../../core/manifests/unique-objects.js';

/** Options of `renderSource`. */
export interface RenderSourceOptions {
  /** Directory of the repository checkout. */
  root: string;
  /**
   * `root` holds one commit's tree and never changes: the walk that checks its symlinks runs once
   * per directory and process, not at every render (a monorepo's tree is walked by each of its apps).
   */
  immutableRoot?: boolean;
  /** App directory relative to `root`. */
  path: string;
  appName: string;
  /** Destination namespace. */
  namespace: string;
  helm?: HelmSource;
  kustomize?: KustomizeSource;
  directory?: DirectorySource;
  /** What the render may reach beyond the repository. @default nothing remote, no plugins */
  policy?: RenderPolicy;
  /** Values of `helm.valuesFrom`, already read by the caller. @default [] */
  helmSecretValues?: readonly HelmSecretValues[];
  /** Limit for each kustomize/helm run. @default 60_000 (`limits.timeoutMs` wins) */
  timeoutMs?: number;
  /** @default DEFAULT_RENDER_LIMITS */
  limits?: Partial<RenderLimits>;
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
  await (options.immutableRoot ? assertNoEscapingSymlinksOnce(root) : assertNoEscapingSymlinks(root));
  const limits: RenderLimits = {
    ...DEFAULT_RENDER_LIMITS,
    timeoutMs: options.timeoutMs ?? 60_000,
    ...options.limits,
  };
  const policy = options.policy ?? DEFAULT_RENDER_POLICY;
  const type = await detectSourceType(appDir, options);
  let entries: ManifestEntry[];
  if (type === 'Directory') {
    entries = await renderDirectory(appDir, { ...options.directory, root, maxBytes: limits.maxOutputBytes });
  } else {
    entries = await withToolSandbox(policy, async (sandbox) => {
      const tool = {
        root,
        policy,
        env: sandbox.env,
        tempDir: sandbox.dir,
        timeoutMs: limits.timeoutMs,
        maxOutputBytes: limits.maxOutputBytes,
        signal: options.signal,
      };
      if (type === 'Kustomize') return renderKustomize(appDir, { ...tool, kustomize: options.kustomize });
      return renderHelm(appDir, {
        ...tool,
        appName: options.appName,
        namespace: options.namespace,
        helm: options.helm,
        secretValues: options.helmSecretValues,
      });
    });
  }
  assertObjectLimit(`Rendering "${options.path || '.'}"`, entries.length, limits.maxObjects);
  const mapped = entries.flatMap((entry) => {
    const object = mapHelmHook(entry.object);
    return object ? [{ ...entry, object }] : [];
  });
  assertUniqueObjects(mapped);
  return { type, objects: mapped.map((entry) => entry.object) };
}
