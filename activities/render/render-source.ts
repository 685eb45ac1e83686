/**
 * Renders one app source from a repository checkout into objects: checks every symlink of the
 * checkout, picks the source type, runs the renderer (helm and kustomize in a private sandbox with
 * a minimal environment, the render policy and limits), maps Helm hooks, bounds the object count
 * and rejects duplicate objects. Reads only inside the checkout. A chart source (`chart`) is
 * rendered the same way from the pulled chart (chart-source/), which then plays the checkout.
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
import type { ChartRef } from './chart-source/chart-cache.js';
import { defaultChartSource, type ChartSource } from './chart-source/chart-source.js';
import type { ManifestEntry, SourceType } from '../../core/manifests/types.js';
import { assertUniqueObjects } from '../../core/manifests/unique-objects.js';

/** Options of `renderSource`. */
export interface RenderSourceOptions {
  /** Directory of the repository checkout (not used with `chart`). */
  root?: string;
  /** A chart from a chart repository or OCI registry, pinned: rendered instead of `root`/`path`. */
  chart?: ChartRef;
  /** Pulls `chart` and builds chart dependencies. @default defaultChartSource() */
  charts?: ChartSource;
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
  /** An app with several sources: the root of each `ref` source (`$<ref>/...` value files). */
  refRoots?: ReadonlyMap<string, string>;
}

/** Objects of one source, in render order, with the source type used. */
export interface RenderedSource {
  type: SourceType;
  objects: KubeObject[];
}

/** Renders `options.path` of the checkout. Throws ManifestInvalid for anything the user must fix. */
export async function renderSource(options: RenderSourceOptions): Promise<RenderedSource> {
  const chart = options.chart;
  const checkout = chart
    ? await (options.charts ?? defaultChartSource()).fetch(chart, options.signal)
    : options.root;
  if (checkout === undefined) throw new TypeError('Cannot render a source without a root or a chart');
  const { root, appDir } = await resolveAppDir(checkout, chart ? '' : options.path);
  // A pulled chart never changes in the cache (its key holds its digest).
  const immutable = options.immutableRoot || chart !== undefined;
  await (immutable ? assertNoEscapingSymlinksOnce(root) : assertNoEscapingSymlinks(root));
  const limits: RenderLimits = {
    ...DEFAULT_RENDER_LIMITS,
    timeoutMs: options.timeoutMs ?? 60_000,
    ...options.limits,
  };
  const policy = options.policy ?? DEFAULT_RENDER_POLICY;
  const type = chart ? 'Helm' : await detectSourceType(appDir, options);
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
        charts: options.charts,
        refRoots: options.refRoots,
      });
    });
  }
  const rendering = chart ? `chart "${chart.chart}" ${chart.version}` : `"${options.path || '.'}"`;
  assertObjectLimit(`Rendering ${rendering}`, entries.length, limits.maxObjects);
  const mapped = entries.flatMap((entry) => {
    const object = mapHelmHook(entry.object);
    return object ? [{ ...entry, object }] : [];
  });
  assertUniqueObjects(mapped);
  return { type, objects: mapped.map((entry) => entry.object) };
}
