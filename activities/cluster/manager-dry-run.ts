/**
 * The dry run of a whole sync before its first write: every object (hooks included) is sent to
 * the API server as a server-side apply dry run, so one invalid object anywhere (any phase, any
 * wave) stops the sync before anything is applied. Two kinds of object cannot be dry-run as they
 * are, because what they need is created by the same sync:
 * - objects in a namespace the sync creates (CreateNamespace, or a Namespace in the manifests)
 *   are validated by a create dry run in `default` (validation does not depend on the namespace);
 * - custom resources of a CRD the sync applies are counted as created, unvalidated, until the
 *   CRD is served (once it is, they are dry-run like the rest); so are objects of any kind the
 *   server does not know when `SkipDryRunOnMissingResource=true` (object or app).
 * Each object is dry-run the way it will be written (`applyStrategy`: server-side or client-side
 * apply, replace; strict validation unless `Validate=false`).
 * Hooks are validated by a create dry run: they are created anew on each sync (a live hook of the
 * same name is deleted first, BeforeHookCreation), so applying onto the old one is not what runs.
 * Nothing is ever written.
 */
import pLimit from 'p-limit';
import { ApplyFailed, ApplyRejected } from '../../contract/errors.js';
import { refOf } from '../../contract/object-ref.js';
import type { KubeObject } from '../../contract/kube-object.js';
import type { KubeClient } from './kube-client.js';
import { onceReader, syncNamespacesReader, type LiveReader } from './live-reader.js';
import { isNamespaceNotFound, KubeApiError } from './kube-errors.js';
import type { LoadedPlan } from './load-plan.js';
import { isHook } from '../../core/sync/hooks.js';
import { appSyncOptions, type AppSyncOptions } from '../../core/sync/app-sync-options.js';
import { applyStrategy } from '../../core/sync/apply-strategy.js';
import { syncOptions } from '../../core/sync/sync-options.js';
import { applyObject, defaultApplyOptions, describeFailure, FIELD_MANAGER } from './manager-apply.js';

export type PredictedAction = 'created' | 'configured' | 'unchanged';

const STAND_IN_NAMESPACE = 'default';

interface Context {
  client: KubeClient;
  options: AppSyncOptions;
  crdKinds: ReadonlySet<string>;
  namespacesInSync: ReadonlySet<string>;
  read: LiveReader;
  signal?: AbortSignal;
}

/** The namespaces a plan creates: CreateNamespace's and the Namespace objects among its manifests. */
export function namespacesInSync(loaded: LoadedPlan): Set<string> {
  return new Set(
    loaded.objects
      .filter((o) => o.kind === 'Namespace' && refOf(o).group === '')
      .map((o) => o.metadata.name ?? ''),
  );
}

function missingNamespace(err: unknown, obj: KubeObject, ctx: Context): boolean {
  const ns = obj.metadata.namespace;
  return ns !== undefined && ctx.namespacesInSync.has(ns) && isNamespaceNotFound(err, ns);
}

/**
 * The server does not know the kind yet, and may be excused: its CRD is in this sync, or
 * `SkipDryRunOnMissingResource=true` is set on the object or the app (Argo CD semantics).
 */
function missingKind(err: unknown, obj: KubeObject, ctx: Context): boolean {
  if (!(err instanceof KubeApiError) || err.status !== 404 || isNamespaceNotFound(err)) return false;
  return (
    ctx.crdKinds.has(`${refOf(obj).group}/${obj.kind}`) ||
    ctx.options.skipDryRunOnMissingResource ||
    syncOptions(obj).skipDryRunOnMissingResource
  );
}

/** Validates `obj` by a create dry run (an object of that name already existing means it passed validation). */
async function createDryRun(obj: KubeObject, ctx: Context): Promise<void> {
  try {
    await ctx.client.create(obj, {
      fieldManager: FIELD_MANAGER,
      dryRun: true,
      fieldValidation: applyStrategy(obj, ctx.options).validate ? 'Strict' : 'Ignore',
      signal: ctx.signal,
    });
  } catch (err) {
    if (err instanceof KubeApiError && err.status === 409 && err.reason === 'AlreadyExists') return;
    throw err;
  }
}

async function predictOne(obj: KubeObject, ctx: Context): Promise<PredictedAction> {
  const elsewhere = (): KubeObject => ({
    ...obj,
    metadata: { ...obj.metadata, namespace: STAND_IN_NAMESPACE },
  });
  try {
    if (obj.metadata.name && !isHook(obj))
      return (
        await applyObject(ctx.client, obj, {
          ...defaultApplyOptions(),
          strategy: applyStrategy(obj, ctx.options),
          dryRun: true,
          // Nothing is read in a namespace still to be created. The apply dry run is still sent
          // there, though the server refuses it (NamespaceNotFound) when the object is valid: it
          // checks the apply patch first and names the field of a type error, which the create
          // dry run elsewhere below does not.
          read: ctx.read,
          signal: ctx.signal,
        })
      ).change.action as PredictedAction;
    try {
      await createDryRun(obj, ctx);
    } catch (err) {
      if (!missingNamespace(err, obj, ctx)) throw err;
      await createDryRun(elsewhere(), ctx);
    }
    return 'created';
  } catch (err) {
    const cause = err instanceof ApplyRejected || err instanceof ApplyFailed ? err.cause : err;
    if (missingKind(cause, obj, ctx)) return 'created';
    if (!missingNamespace(cause, obj, ctx)) throw describeFailure(obj, err);
    try {
      await createDryRun(elsewhere(), ctx);
    } catch (inner) {
      throw describeFailure(obj, inner);
    }
    return 'created';
  }
}

/**
 * Dry-runs every object of the plan and counts what the apply would do. `syncOptions` are the
 * app's (default: none set).
 * @throws {ApplyRejected} listing every rejected object (each message names the object and, when
 *   the server says, the field); ApplyFailed (retryable) when any failure may be transient
 */
export async function dryRunPlan(
  client: KubeClient,
  loaded: LoadedPlan,
  options: {
    signal?: AbortSignal;
    concurrency?: number;
    syncOptions?: AppSyncOptions;
    read?: LiveReader;
  } = {},
): Promise<Record<PredictedAction, number>> {
  const namespaces = namespacesInSync(loaded);
  const ctx: Context = {
    client,
    options: options.syncOptions ?? appSyncOptions([]),
    crdKinds: new Set(loaded.plan.crdKinds),
    namespacesInSync: namespaces,
    read: syncNamespacesReader(options.read ?? onceReader(client, options.signal), namespaces).read,
    signal: options.signal,
  };
  const limit = pLimit(options.concurrency ?? 16);
  const results = await Promise.allSettled(loaded.objects.map((obj) => limit(() => predictOne(obj, ctx))));
  const changes: Record<PredictedAction, number> = { created: 0, configured: 0, unchanged: 0 };
  const problems: Error[] = [];
  for (const r of results) {
    if (r.status === 'fulfilled') changes[r.value] += 1;
    else problems.push(r.reason instanceof Error ? r.reason : new Error(String(r.reason)));
  }
  if (problems.length === 0) return changes;
  const message = `Dry run rejected ${problems.length} object(s), nothing was applied:\n${problems.map((p) => `  - ${p.message}`).join('\n')}`;
  if (problems.some((p) => !(p instanceof ApplyRejected))) throw new ApplyFailed(message);
  throw new ApplyRejected(message);
}
