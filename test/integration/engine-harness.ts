/**
 * Runs the sync engine's activities directly, in the order the sync workflow calls them, against
 * the local stack: a throwaway Git repository, a private manifest store and Git cache, and one
 * `createClusterActivities` instance. Used by the engine-*.test.ts files and bench/engine.ts.
 */
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { IgnoreDifference } from '../../config/types.js';
import { createClusterActivities } from '../../activities/cluster/cluster-activities.js';
import { localPolicy } from '../support/policy.js';
import type { AgentPolicy } from '../../core/policy/project.js';
import type { KubeClient } from '../../activities/cluster/kube-client.js';
import type {
  ApplyStepResult,
  ClusterActivities,
  PlanInput,
  PrepareSyncResult,
  PruneResult,
  RenderManifestsInput,
  WaitHealthyResult,
} from '../../contract/activities.js';
import { RepoCache } from '../../activities/git/repo-cache.js';
import { ManifestStore } from '../../activities/render/manifest-store.js';
import { projectRoot } from '../support/stack.js';

export const examplesDir = join(projectRoot, '..', 'shared', 'examples', 'argocd-example-apps');
export const fixturesDir = join(projectRoot, 'test', 'fixtures', 'engine');

/** Why the Argo CD example tests cannot run here, or undefined when they can. */
export function examplesMissing(): string | undefined {
  return existsSync(examplesDir)
    ? undefined
    : `${examplesDir} is absent (the shared examples are not mounted)`;
}

/** A Git repository made at test time: a work tree committed to, and a bare clone the engine reads. */
export class TestRepo {
  readonly url: string;
  readonly work: string;
  readonly #root: string;

  private constructor(root: string) {
    this.#root = root;
    this.work = join(root, 'work');
    this.url = join(root, 'repo.git');
  }

  /**
   * Copies each `dest: source dir` into the work tree (in YAML files, each `replace` key becomes
   * its value: unique names for cluster-scoped fixtures), commits, and makes the bare repository.
   */
  static create(dirs: Record<string, string>, replace: Record<string, string> = {}): TestRepo {
    const repo = new TestRepo(mkdtempSync(join(tmpdir(), 'mooring-engine-')));
    mkdirSync(repo.work, { recursive: true });
    for (const [dest, source] of Object.entries(dirs))
      cpSync(source, join(repo.work, dest), { recursive: true });
    for (const file of readdirSync(repo.work, { recursive: true, encoding: 'utf8' }).filter((f) =>
      f.endsWith('.yaml'),
    )) {
      const path = join(repo.work, file);
      const text = readFileSync(path, 'utf8');
      const replaced = Object.entries(replace).reduce((t, [from, to]) => t.replaceAll(from, to), text);
      if (replaced !== text) writeFileSync(path, replaced);
    }
    repo.#git('init', '-q', '-b', 'main');
    repo.commit('initial');
    execFileSync('git', ['clone', '-q', '--bare', repo.work, repo.url]);
    return repo;
  }

  #git(...args: string[]): string {
    return execFileSync('git', ['-c', 'user.email=test@mooring.dev', '-c', 'user.name=test', ...args], {
      cwd: this.work,
      encoding: 'utf8',
    });
  }

  /** Writes (or, with `undefined`, deletes) files of the work tree, commits and pushes to the bare repository. */
  change(files: Record<string, string | undefined>, message: string): void {
    for (const [path, text] of Object.entries(files)) {
      const file = join(this.work, path);
      if (text === undefined) rmSync(file);
      else {
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, text);
      }
    }
    this.commit(message);
    this.#git('push', '-q', this.url, 'main');
  }

  commit(message: string): void {
    this.#git('add', '-A');
    this.#git('commit', '-q', '--allow-empty', '-m', message);
  }

  remove(): void {
    rmSync(this.#root, { recursive: true, force: true });
  }
}

export interface EngineApp {
  app: string;
  path: string;
  namespace: string;
  syncOptions?: string[];
  ignoreDifferences?: IgnoreDifference[];
  helm?: RenderManifestsInput['helm'];
  kustomize?: RenderManifestsInput['kustomize'];
}

export interface SyncOutcome {
  plan: PlanInput;
  prepared: PrepareSyncResult;
  steps: ApplyStepResult[];
  pruned: PruneResult;
  health: WaitHealthyResult;
}

/** One engine instance: activities over a private store and Git cache. */
export class Engine {
  readonly activities: ClusterActivities;
  readonly client: KubeClient;
  readonly store: ManifestStore;
  readonly #close: () => void;
  readonly #cacheDir: string;

  private constructor(parts: {
    activities: ClusterActivities;
    client: KubeClient;
    close: () => void;
    store: ManifestStore;
    cacheDir: string;
  }) {
    this.activities = parts.activities;
    this.client = parts.client;
    this.store = parts.store;
    this.#close = parts.close;
    this.#cacheDir = parts.cacheDir;
  }

  /**
   * @param options.policy the agent policy; the local stack's permissive one by default
   * @param options.onRequest told of each Kubernetes API request the activities make (verb, code)
   */
  static async open(
    options: { policy?: AgentPolicy; onRequest?: (verb: string, code: number) => void } = {},
  ): Promise<Engine> {
    const cacheDir = mkdtempSync(join(tmpdir(), 'mooring-engine-cache-'));
    const store = new ManifestStore({ dir: join(cacheDir, 'manifests') });
    const policy = options.policy ?? localPolicy();
    const created = await createClusterActivities({
      cluster: 'local',
      policy,
      store,
      repoCache: new RepoCache({
        cacheDir: join(cacheDir, 'git'),
        allowedSchemes: policy.settings.allowedRepoSchemes,
      }),
      ...(options.onRequest && {
        metrics: {
          k8sRequests: { inc: ({ verb, code }) => options.onRequest?.(verb, Number(code)) },
          gitRequestDuration: { observe: () => undefined },
        },
      }),
    });
    return new Engine({ ...created, store, cacheDir });
  }

  /** resolve → render; returns the plan input of the app at the repository's `main`. */
  async render(repo: TestRepo, app: EngineApp): Promise<PlanInput> {
    const { sha } = await this.activities.resolveRevision({ repoURL: repo.url, targetRevision: 'main' });
    const rendered = await this.activities.renderManifests({
      appName: app.app,
      repoURL: repo.url,
      revision: sha,
      path: app.path,
      namespace: app.namespace,
      ...(app.helm ? { helm: app.helm } : {}),
      ...(app.kustomize ? { kustomize: app.kustomize } : {}),
    });
    return {
      app: app.app,
      manifestKey: rendered.manifestKey,
      namespace: app.namespace,
      syncOptions: app.syncOptions ?? [],
      ignoreDifferences: app.ignoreDifferences ?? [],
    };
  }

  /** prepareSync → applyStep per step (waves wait healthy, except the last) → pruneOrphans → waitHealthy, as workflows/sync.ts. */
  async sync(plan: PlanInput, options: { timeoutMs?: number } = {}): Promise<SyncOutcome> {
    const timeoutMs = options.timeoutMs ?? 60_000;
    const prepared = await this.activities.prepareSync(plan);
    const steps: ApplyStepResult[] = [];
    for (const [i, step] of prepared.steps.entries()) {
      steps.push(
        await this.activities.applyStep({
          ...plan,
          phase: step.phase,
          wave: step.wave,
          waitHealthy: i < prepared.steps.length - 1,
          waitTimeoutMs: timeoutMs,
        }),
      );
    }
    const pruned = await this.activities.pruneOrphans({ ...plan, propagation: 'foreground' });
    const health = await this.activities.waitHealthy({ ...plan, timeoutMs });
    return { plan, prepared, steps, pruned, health };
  }

  /** render + sync. */
  async deploy(repo: TestRepo, app: EngineApp, options: { timeoutMs?: number } = {}): Promise<SyncOutcome> {
    return await this.sync(await this.render(repo, app), options);
  }

  close(): void {
    this.#close();
    rmSync(this.#cacheDir, { recursive: true, force: true });
  }
}
