/**
 * The `renderManifests` activity: checkout at a SHA (or, for a chart source, the chart pulled by
 * its pin) -> rendered objects in the manifest store -> a small summary; an app with several
 * sources renders each and stores them together. Objects never enter the activity result; a
 * repeated render is a cache lookup.
 * The render policy comes from the agent's own configuration (`renderPolicyFor`), never from the
 * input; `helm.valuesFrom` Secrets are read here, on the agent, before the cache lookup (their
 * digest is part of the cache key). SOPS-encrypted generator files and objects are decrypted with
 * the agent's own age key (sops/sops-render.ts; the key file's digest is part of the cache key).
 */
import { asyncLocalStorage } from '@temporalio/activity';
import pLimit from 'p-limit';
import { realpath } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { ManifestStore } from './manifest-store.js';
import { RenderCache } from './render-cache.js';
import {
  readHelmValuesFrom,
  secretValuesDigest,
  type HelmSecretValues,
  type ReadSecretValue,
} from './render-helm.js';
import { isRefOnly } from '../../config/multi-source.js';
import type { KubeObject } from '../../contract/kube-object.js';
import { redactUrl } from '../../core/git/redact.js';
import { assertUniqueObjects } from '../../core/manifests/unique-objects.js';
import { renderSource } from './render-source.js';
import { defaultChartSource, type ChartSource } from './chart-source/chart-source.js';
import type { ChartRef } from './chart-source/chart-cache.js';
import { parseChartRevision } from '../../contract/revision.js';
import { ensurePrivateDir } from './sops/private-dir.js';
import { SopsRender } from './sops/sops-render.js';
import type { AgeKeyState } from './sops/age-key.js';
import {
  DEFAULT_RENDER_LIMITS,
  assertObjectLimit,
  type RenderLimits,
} from '../../core/manifests/render-limits.js';
import { DEFAULT_RENDER_POLICY, type RenderPolicy } from '../../core/manifests/render-policy.js';
import { summarizeManifests } from '../../core/manifests/summarize-manifests.js';
import type {
  ClusterActivities,
  RenderManifestsInput,
  RenderManifestsResult,
  RenderSource,
} from '../../contract/activities.js';

/**
 * Returns a read-only directory holding the repository at commit `sha`, whose contents never change
 * (its symlink check is done once per directory and process, see `RenderSourceOptions.immutableRoot`).
 */
export type CheckoutFn = (repoURL: string, sha: string) => Promise<string>;

/** Dependencies and settings of the render activities. */
export interface RenderActivitiesOptions {
  store: ManifestStore;
  checkout: CheckoutFn;
  /** @default a cache in `${store.dir}/renders` */
  renderCache?: RenderCache;
  /** Limit for each kustomize/helm run. @default 120_000 (`limits.timeoutMs` wins) */
  toolTimeoutMs?: number;
  /**
   * Renders run at once (checkouts, kustomize, helm); the rest wait. They use CPU, while most of
   * the agent's activity slots are health waits that mostly sleep.
   * @default twice the CPUs, at least 2
   */
  concurrency?: number;
  /** Time, output and object limits of a render. @default DEFAULT_RENDER_LIMITS */
  limits?: Partial<RenderLimits>;
  /**
   * The render policy of an app, from the agent's own project configuration.
   * @default nothing remote, no plugins, for every app
   */
  renderPolicyFor?: (appName: string) => RenderPolicy;
  /**
   * Reads a Secret key in a namespace for `helm.valuesFrom` (undefined when missing). Without it,
   * an app using `valuesFrom` fails to render.
   */
  readSecretValue?: ReadSecretValue;
  /**
   * The agent's SOPS age key file (docs/SOPS.md). Without one, an app with SOPS-encrypted content
   * fails to render. @default $MOORING_SOPS_AGE_KEY_FILE
   */
  sopsAgeKeyFile?: string;
  /** Pulls the charts of chart sources and chart dependencies. @default defaultChartSource() */
  charts?: ChartSource;
}

/** The render activity of the contract's cluster activities, bound to its store and checkout. */
export type RenderActivities = Pick<ClusterActivities, 'renderManifests'>;

const SHA = /^([0-9a-f]{40}|[0-9a-f]{64})$/i;

/** Creates the render activities for a worker. */
export function createRenderActivities(options: RenderActivitiesOptions): RenderActivities {
  const { store, checkout } = options;
  const slots = pLimit(options.concurrency ?? Math.max(2, availableParallelism() * 2));
  const cache = options.renderCache ?? new RenderCache({ dir: join(store.dir, 'renders') });
  const timeoutMs = options.toolTimeoutMs ?? 120_000;
  const charts = options.charts ?? defaultChartSource();
  const sops = new SopsRender({
    ageKeyFile: options.sopsAgeKeyFile,
    limits: {
      timeoutMs: options.limits?.timeoutMs ?? timeoutMs,
      maxOutputBytes: options.limits?.maxOutputBytes,
    },
  });

  /** Renders one source from its checkout (or pulled chart), decrypting what SOPS encrypted. */
  async function renderOne(one: {
    appName: string;
    namespace: string;
    source: RenderSource;
    chart: ChartRef | undefined;
    root: string;
    helmSecretValues: readonly HelmSecretValues[];
    refRoots: ReadonlyMap<string, string>;
    policy: RenderPolicy;
    sopsKey: AgeKeyState;
    signal: AbortSignal | undefined;
  }): Promise<{ objects: KubeObject[]; decrypted: boolean }> {
    const { source, chart, signal } = one;
    const path = chart ? '' : source.path;
    const sourceAt = async (sourceRoot: string, immutableRoot: boolean) => {
      const rendered = await renderSource({
        // The pulled chart itself is rendered as the chart (messages name it); a decrypted copy as a directory.
        ...(chart && immutableRoot ? { chart } : { root: sourceRoot }),
        charts,
        immutableRoot,
        path,
        appName: one.appName,
        namespace: one.namespace,
        helm: source.helm,
        kustomize: source.kustomize,
        directory: source.directory,
        policy: one.policy,
        helmSecretValues: one.helmSecretValues,
        refRoots: one.refRoots,
        timeoutMs,
        limits: options.limits,
        signal,
      });
      return rendered.objects;
    };
    const kinds = { helm: source.helm, kustomize: source.kustomize, directory: source.directory };
    return await sops.render({ root: one.root, path, source: kinds, signal }, one.sopsKey, sourceAt);
  }

  return {
    /**
     * Renders the app source at `input.revision` and stores the objects; returns their key and
     * counts. Throws ManifestInvalid (non-retryable) for anything the repository must fix.
     */
    async renderManifests(input: RenderManifestsInput): Promise<RenderManifestsResult> {
      const sources: readonly RenderSource[] = input.sources ?? [input];
      const charted = sources.map((source) => chartRefOf(input.appName, source));
      const policy = options.renderPolicyFor?.(input.appName) ?? DEFAULT_RENDER_POLICY;
      const secretValues: HelmSecretValues[][] = [];
      for (const source of sources)
        secretValues.push(
          await readHelmValuesFrom(source.helm, {
            appName: input.appName,
            namespace: input.namespace,
            readSecretValue: options.readSecretValue,
          }),
        );
      const sopsKey = await sops.keyState();
      const context = {
        policy,
        valuesDigest: secretValuesDigest(secretValues.flat()),
        sopsKeyDigest: sopsKey.digest,
      };
      const cached = await cache.lookup(input, context);
      if (cached && (await store.has(cached.manifestKey))) return cached;
      const signal = asyncLocalStorage.getStore()?.cancellationSignal;
      return await slots(async () => {
        const roots: string[] = [];
        for (const [i, source] of sources.entries()) {
          const chart = charted[i];
          roots.push(
            chart ? await charts.fetch(chart, signal) : await checkout(source.repoURL, source.revision),
          );
        }
        const refRoots = new Map<string, string>();
        for (const [i, source] of sources.entries())
          if (source.ref !== undefined) refRoots.set(source.ref, await realpath(roots[i] ?? ''));
        const rendered: { objects: KubeObject[]; decrypted: boolean }[] = [];
        for (const [i, source] of sources.entries()) {
          if (isRefOnly(source)) continue;
          const one = {
            appName: input.appName,
            namespace: input.namespace,
            source,
            chart: charted[i],
            root: roots[i] ?? '',
            helmSecretValues: secretValues[i] ?? [],
            refRoots,
            policy,
            sopsKey,
            signal,
          };
          rendered.push(await renderOne(one));
        }
        if (rendered.length > 1)
          assertNoSharedObjects(
            sources,
            rendered.map((r) => r.objects),
          );
        const objects = rendered.flatMap((r) => r.objects);
        // Each source was held to the limit; together they are too.
        const maxObjects = options.limits?.maxObjects ?? DEFAULT_RENDER_LIMITS.maxObjects;
        assertObjectLimit(`Rendering the sources of app "${input.appName}"`, objects.length, maxObjects);
        if (rendered.some((r) => r.decrypted)) await ensurePrivateDir(store.dir);
        const summary = summarizeManifests(objects, await store.put(objects));
        await cache.record(input, summary, context);
        return summary;
      });
    },
  };
}

/**
 * The pinned chart a chart source names, undefined for a Git source; throws when the revision is
 * not what the source needs (a full SHA, or a chart pin).
 */
function chartRefOf(appName: string, source: RenderSource): ChartRef | undefined {
  if (source.chart === undefined) {
    if (SHA.test(source.revision)) return undefined;
    throw new TypeError(
      `Cannot render app "${appName}" from ${redactUrl(source.repoURL)} at revision "${source.revision}": expected a full commit SHA`,
    );
  }
  const pin = parseChartRevision(source.revision);
  if (!pin)
    throw new TypeError(
      `Cannot render chart "${source.chart}" of app "${appName}" at revision "${source.revision}": expected a chart pin <version>@sha256:<digest>`,
    );
  return { repoURL: source.repoURL, chart: source.chart, ...pin };
}

/** Refuses two sources of one app that render the same object (which would fight over it). */
function assertNoSharedObjects(sources: readonly RenderSource[], objects: readonly KubeObject[][]): void {
  const rendering = sources.filter((s) => !isRefOnly(s));
  assertUniqueObjects(
    objects.flatMap((list, i) =>
      list.map((object, document) => {
        const source = rendering[i];
        const where = source?.chart ?? (source ? `${source.path || '.'}` : '?');
        return {
          object,
          file: `source ${redactUrl(source?.repoURL ?? '')} ${where}`,
          document: document + 1,
        };
      }),
    ),
  );
}
