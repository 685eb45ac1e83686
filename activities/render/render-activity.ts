/**
 * The `renderManifests` activity: checkout at a SHA -> rendered objects in the manifest store ->
 * a small summary. Objects never enter the activity result; a repeated render is a cache lookup.
 * The render policy comes from the agent's own configuration (`renderPolicyFor`), never from the
 * input; `helm.valuesFrom` Secrets are read here, on the agent, before the cache lookup (their
 * digest is part of the cache key). SOPS-encrypted generator files and objects are decrypted with
 * the agent's own age key (sops/sops-render.ts; the key file's digest is part of the cache key).
 */
import { asyncLocalStorage } from '@temporalio/activity';
import { join } from 'node:path';
import type { ManifestStore } from './manifest-store.js';
import { RenderCache } from './render-cache.js';
import { readHelmValuesFrom, secretValuesDigest, type ReadSecretValue } from './render-helm.js';
import { renderSource } from './render-source.js';
import { ensurePrivateDir } from './sops/private-dir.js';
import { SopsRender } from './sops/sops-render.js';
import type { RenderLimits } from '../../core/manifests/render-limits.js';
import { DEFAULT_RENDER_POLICY, type RenderPolicy } from '../../core/manifests/render-policy.js';
import { summarizeManifests } from '../../core/manifests/summarize-manifests.js';
import type {
  ClusterActivities,
  RenderManifestsInput,
  RenderManifestsResult,
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
}

/** The render activity of the contract's cluster activities, bound to its store and checkout. */
export type RenderActivities = Pick<ClusterActivities, 'renderManifests'>;

const SHA = /^([0-9a-f]{40}|[0-9a-f]{64})$/i;

/** Creates the render activities for a worker. */
export function createRenderActivities(options: RenderActivitiesOptions): RenderActivities {
  const { store, checkout } = options;
  const cache = options.renderCache ?? new RenderCache({ dir: join(store.dir, 'renders') });
  const timeoutMs = options.toolTimeoutMs ?? 120_000;
  const sops = new SopsRender({
    ageKeyFile: options.sopsAgeKeyFile,
    limits: {
      timeoutMs: options.limits?.timeoutMs ?? timeoutMs,
      maxOutputBytes: options.limits?.maxOutputBytes,
    },
  });

  return {
    /**
     * Renders the app source at `input.revision` and stores the objects; returns their key and
     * counts. Throws ManifestInvalid (non-retryable) for anything the repository must fix.
     */
    async renderManifests(input: RenderManifestsInput): Promise<RenderManifestsResult> {
      if (!SHA.test(input.revision)) {
        throw new TypeError(
          `Cannot render app "${input.appName}" at revision "${input.revision}": expected a full commit SHA`,
        );
      }
      const policy = options.renderPolicyFor?.(input.appName) ?? DEFAULT_RENDER_POLICY;
      const helmSecretValues = await readHelmValuesFrom(input.helm, {
        appName: input.appName,
        namespace: input.namespace,
        readSecretValue: options.readSecretValue,
      });
      const sopsKey = await sops.keyState();
      const context = {
        policy,
        valuesDigest: secretValuesDigest(helmSecretValues),
        sopsKeyDigest: sopsKey.digest,
      };
      const cached = await cache.lookup(input, context);
      if (cached && (await store.has(cached.manifestKey))) return cached;
      const root = await checkout(input.repoURL, input.revision);
      const signal = asyncLocalStorage.getStore()?.cancellationSignal;
      const source = { helm: input.helm, kustomize: input.kustomize, directory: input.directory };
      const sourceAt = async (sourceRoot: string, immutableRoot: boolean) => {
        const rendered = await renderSource({
          root: sourceRoot,
          immutableRoot,
          path: input.path,
          appName: input.appName,
          namespace: input.namespace,
          helm: input.helm,
          kustomize: input.kustomize,
          directory: input.directory,
          policy,
          helmSecretValues,
          timeoutMs,
          limits: options.limits,
          signal,
        });
        return rendered.objects;
      };
      const { objects, decrypted } = await sops.render(
        { root, path: input.path, source, signal },
        sopsKey,
        sourceAt,
      );
      if (decrypted) await ensurePrivateDir(store.dir);
      const summary = summarizeManifests(objects, await store.put(objects));
      await cache.record(input, summary, context);
      return summary;
    },
  };
}
