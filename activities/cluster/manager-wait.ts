/**
 * Waits for a set of objects to become healthy: polls them, assesses each with the health rules,
 * reports progress through a callback (the activity heartbeats from it), fails fast when an object
 * is definitively failed (Degraded rollout, failed Job, crash-looping Pod), and gives up at a
 * deadline. Never throws for health; the result says how the wait ended. When the agent's watch
 * follows the objects, each change wakes the wait at once and the polls become a safety net.
 */
import type { ResourceHealth } from '../../contract/activities.js';
import { aggregateHealth, assessHealth, isSettledHealth, rolloutFailure } from '../../core/health/index.js';
import { currentPodsSelector } from '../../core/health/current-pods.js';
import type { HealthResult } from '../../core/health/index.js';
import { formatRef, refOf } from '../../contract/object-ref.js';
import type { HealthStatusCode, KubeObject } from '../../contract/kube-object.js';
import type { KubeClient } from './kube-client.js';
import { directReader } from './live-reader.js';

export interface WaitOptions {
  timeoutMs: number;
  /** @default 250 */
  intervalMs?: number;
  signal?: AbortSignal;
  onProgress?: (health: HealthStatusCode, resources: ResourceHealth[]) => void;
  /** Pods of a workload crash-looping end the wait at once. @default true */
  failFast?: boolean;
  /** Objects already observed with a health that cannot change (SettledWrites): not read. */
  observed?: (obj: KubeObject) => Observation | undefined;
  /** Tells the wait when one of its objects changes (the agent's watch), so that it polls less. */
  changes?: ChangeFeed;
}

/** A source of change notices for live objects: the agent's watch of managed objects (LiveWatch). */
export interface ChangeFeed {
  /** `covered`: every object's kind is watched, so no change goes unnoticed. */
  follow(
    objects: readonly KubeObject[],
    onChange: () => void,
  ): Promise<{ covered: boolean; stop: () => void }>;
}

export interface WaitResult {
  health: HealthStatusCode;
  message?: string;
  resources: ResourceHealth[];
  timedOut: boolean;
}

/** One object as a poll saw it. */
export interface Observation {
  live: KubeObject | undefined;
  result: HealthResult;
}

/**
 * Reads each object and its health once. `settled` holds, by index, objects whose health cannot
 * change any more (isSettledHealth): they are not read again.
 */
export async function observeHealth(
  client: KubeClient,
  objects: readonly KubeObject[],
  signal?: AbortSignal,
  settled: ReadonlyMap<number, Observation> = new Map(),
): Promise<{ resources: ResourceHealth[]; live: (KubeObject | undefined)[]; results: HealthResult[] }> {
  const read = directReader(client, signal);
  const observations = await Promise.all(
    objects.map(async (obj, i): Promise<Observation> => {
      const known = settled.get(i);
      if (known) return known;
      const live = await read(obj);
      return {
        live,
        result: live ? assessHealth(live) : { status: 'Missing', message: 'not found in the cluster' },
      };
    }),
  );
  const results = observations.map((o) => o.result);
  const resources = objects.map((obj, i): ResourceHealth => ({
    ...refOf(obj),
    health: results[i]!.status,
    message: results[i]!.message,
  }));
  return { resources, live: observations.map((o) => o.live), results };
}

/** The health wait polls every FAST_POLL_MS during its first FAST_POLL_FOR_MS, then every 250 ms. */
const FAST_POLL_MS = 50;
const FAST_POLL_FOR_MS = 2_000;
/**
 * All the waits of this process together poll about 1000 / SHARED_POLL_MS times a second: with
 * more waits in flight (a fleet registering), each polls less often, so that health reads do not
 * crowd out the applies sharing the client's connections.
 */
const SHARED_POLL_MS = 10;
/**
 * The same for waits the watch follows: a change wakes them, so their polls only look for what the
 * watch does not see (pods crash-looping) and stand in for a watch that stalled. A registering
 * fleet's waits polled 100 times a second without it, a GET and a pod LIST each.
 */
const FOLLOWED_SHARED_POLL_MS = 50;
/**
 * How long a wait gives the watch to start following its objects (a kind not watched yet is listed
 * first) before its first poll. A follow that starts later is taken up then; one that fails leaves
 * the wait polling at the unfollowed pace.
 */
const FOLLOW_START_MS = 1_000;
let waitsInFlight = 0;

export async function waitForSet(
  client: KubeClient,
  objects: readonly KubeObject[],
  options: WaitOptions,
): Promise<WaitResult> {
  const started = Date.now();
  const deadline = started + options.timeoutMs;
  const settled = new Map<number, Observation>();
  objects.forEach((obj, i) => {
    const known = options.observed?.(obj);
    if (known) settled.set(i, known);
  });
  const wake = new Wake();
  const follow = await startFollowing(
    options.changes,
    objects.filter((_, i) => !settled.has(i)),
    () => wake.ring(),
    Math.max(0, Math.min(FOLLOW_START_MS, deadline - Date.now())),
    options.signal,
  );
  // A rollout that goes well is done within a second or two: look closely then, less often later.
  const intervalAt = (now: number): number =>
    options.intervalMs ??
    Math.max(
      now - started < FAST_POLL_FOR_MS ? FAST_POLL_MS : 250,
      waitsInFlight * (follow.covered() ? FOLLOWED_SHARED_POLL_MS : SHARED_POLL_MS),
    );
  waitsInFlight += 1;
  try {
    for (;;) {
      wake.reset(); // a change from now on may not be in what this poll reads
      const { resources, live, results } = await observeHealth(client, objects, options.signal, settled);
      live.forEach((obj, i) => {
        if (obj && isSettledHealth(obj, results[i]!)) settled.set(i, { live: obj, result: results[i]! });
      });
      const health = aggregateHealth(results);
      options.onProgress?.(health, resources);
      if (health === 'Healthy' || health === 'Suspended') return { health, resources, timedOut: false };
      if (options.failFast !== false) {
        const failure = await firstFailure(client, live, options.signal);
        if (failure) return { health: 'Degraded', message: failure, resources, timedOut: false };
        const degraded = resources.find((r) => r.health === 'Degraded');
        if (degraded)
          return {
            health: 'Degraded',
            message: `${formatRef(degraded)}: ${degraded.message ?? 'Degraded'}`,
            resources,
            timedOut: false,
          };
      }
      if (Date.now() >= deadline) {
        const waiting = resources
          .filter((r) => r.health !== 'Healthy')
          .map((r) => `${formatRef(r)} ${r.health}${r.message ? ` (${r.message})` : ''}`);
        return { health, message: `still waiting for ${waiting.join('; ')}`, resources, timedOut: true };
      }
      await wake.after(Math.min(intervalAt(Date.now()), Math.max(0, deadline - Date.now())), options.signal);
    }
  } finally {
    waitsInFlight -= 1;
    follow.stop();
  }
}

interface Following {
  covered: () => boolean;
  stop: () => void;
}

async function startFollowing(
  changes: ChangeFeed | undefined,
  objects: readonly KubeObject[],
  onChange: () => void,
  withinMs: number,
  signal?: AbortSignal,
): Promise<Following> {
  if (!changes) return { covered: () => false, stop: () => undefined };
  let followed: { covered: boolean; stop: () => void } | undefined;
  let waiting = true;
  let stopped = false;
  const started = new Wake();
  void changes
    .follow(objects, onChange)
    .then(
      (f) => {
        if (stopped) return f.stop();
        followed = f;
        if (!waiting) onChange(); // a change between the polls so far and now was told to nobody
      },
      () => undefined, // not followed: the wait polls as if there were no watch
    )
    .then(() => started.ring());
  try {
    await started.after(withinMs, signal);
  } catch (err) {
    stopped = true;
    followed?.stop();
    throw err;
  }
  waiting = false;
  return {
    covered: () => followed?.covered === true,
    stop: () => {
      stopped = true;
      followed?.stop();
    },
  };
}

/** A sleep that a change notice cuts short; one rung while nobody sleeps is kept for the next. */
class Wake {
  #rung = false;
  #resolve: (() => void) | undefined;

  ring(): void {
    this.#rung = true;
    this.#resolve?.();
  }

  reset(): void {
    this.#rung = false;
  }

  /** Resolves after `ms`, or at once when rung; rejects when `signal` aborts. */
  after(ms: number, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    if (this.#rung) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const finish = (error?: unknown): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', aborted);
        this.#resolve = undefined;
        if (error === undefined) resolve();
        else reject(error as Error);
      };
      const aborted = (): void => finish(signal?.reason ?? new Error('aborted'));
      const timer = setTimeout(finish, ms);
      signal?.addEventListener('abort', aborted, { once: true });
      this.#resolve = () => finish();
    });
  }
}

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet']);

/**
 * A definitive failure among the objects or the pods of their workloads: a rollout past its
 * progress deadline, a failed Job, or a pod of a workload's current revision crash-looping or
 * unable to pull its image, which no amount of waiting fixes. Pods of a revision being replaced
 * (a rollback leaving a crash-looping one) do not count (core/health/current-pods.ts).
 */
async function firstFailure(
  client: KubeClient,
  live: readonly (KubeObject | undefined)[],
  signal?: AbortSignal,
): Promise<string | undefined> {
  for (const obj of live) {
    if (!obj) continue;
    const failure = rolloutFailure(obj);
    if (failure) return `${formatRef(refOf(obj))}: ${failure}`;
    const selector = (obj.spec as { selector?: { matchLabels?: Record<string, string> } } | undefined)
      ?.selector?.matchLabels;
    if (!WORKLOADS.has(obj.kind) || !selector || Object.keys(selector).length === 0) continue;
    const namespace = obj.metadata.namespace;
    const labelSelector = Object.entries(selector)
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    const pods = await client.list('v1', 'Pod', { namespace, labelSelector, signal });
    const failing = pods.flatMap((pod) => {
      const podFailure = pod.metadata.deletionTimestamp ? undefined : rolloutFailure(pod);
      return podFailure ? [{ pod, podFailure }] : [];
    });
    if (failing.length === 0) continue;
    // Only a failing pod makes the current revision worth a request (its ReplicaSets).
    const replicaSets =
      obj.kind === 'Deployment'
        ? await client.list('apps/v1', 'ReplicaSet', { namespace, labelSelector, signal })
        : [];
    const current = currentPodsSelector(obj, replicaSets);
    if (current === undefined) continue;
    const [key = '', value] = current.split('=');
    const found = failing.find(({ pod }) => current === '' || pod.metadata.labels?.[key] === value);
    if (found) return `${formatRef(refOf(obj))}: pod ${found.pod.metadata.name}: ${found.podFailure}`;
  }
  return undefined;
}
