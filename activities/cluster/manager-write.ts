/**
 * The single write of one object in each of the three ways Argo CD knows (`WriteMode`):
 * - `server-side`: server-side apply (`application/apply-patch+yaml`) with our field manager;
 * - `client-side`: what `kubectl apply` does without `--server-side`: create with the
 *   `kubectl.kubernetes.io/last-applied-configuration` annotation, or a merge patch that sets the
 *   desired fields and removes those the last-applied configuration had and the desired one lacks;
 * - `replace`: PUT the whole object (create when absent), as `kubectl replace`.
 * Validation is strict unless `validate` is false (`fieldValidation=Ignore`, as `--validate=false`).
 */
import type { KubeObject } from '../../contract/kube-object.js';
import { KUBECTL_LAST_APPLIED } from '../../core/diff/external-annotations.js';
import type { WriteMode } from '../../core/sync/apply-strategy.js';
import type { KubeClient } from './kube-client.js';

export interface WriteOptions {
  fieldManager: string;
  /** Server-side apply only: take over fields other managers own. */
  force: boolean;
  dryRun: boolean;
  /** False sends `fieldValidation=Ignore` (unknown fields dropped) instead of `Strict`. */
  validate: boolean;
  signal?: AbortSignal;
}

type Json = Record<string, unknown>;

const isMap = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A JSON merge patch (RFC 7386) from the last applied configuration to the desired one: every
 * desired field is set, and a field the last configuration had but the desired one lacks is
 * removed (`null`). Fields set by others (never in the last configuration) are left alone.
 */
export function clientSideApplyPatch(lastApplied: Json, desired: Json): Json {
  const patch: Json = {};
  for (const [key, value] of Object.entries(desired)) {
    const before = lastApplied[key];
    patch[key] = isMap(value) && isMap(before) ? clientSideApplyPatch(before, value) : value;
  }
  for (const key of Object.keys(lastApplied)) if (!Object.hasOwn(desired, key)) patch[key] = null;
  return patch;
}

/** The desired object carrying its own last-applied configuration, as kubectl writes it. */
function withLastApplied(obj: KubeObject): KubeObject {
  const { [KUBECTL_LAST_APPLIED]: _old, ...annotations } = obj.metadata.annotations ?? {};
  const applied = { ...obj, metadata: { ...obj.metadata, annotations } };
  return {
    ...obj,
    metadata: {
      ...obj.metadata,
      annotations: { ...annotations, [KUBECTL_LAST_APPLIED]: JSON.stringify(applied) },
    },
  };
}

function lastAppliedOf(live: KubeObject): Json {
  const text = live.metadata.annotations?.[KUBECTL_LAST_APPLIED];
  if (text === undefined) return {};
  try {
    const parsed: unknown = JSON.parse(text);
    return isMap(parsed) ? parsed : {};
  } catch {
    return {}; // an unreadable annotation is treated as absent, as kubectl does
  }
}

/**
 * Writes `obj` in `mode`; `live` is the object as read just before (undefined when absent).
 * Returns what the server returned (or predicted, with `dryRun`). Errors are the client's.
 */
export async function writeObject(
  client: KubeClient,
  obj: KubeObject,
  live: KubeObject | undefined,
  options: WriteOptions & { mode: WriteMode },
): Promise<KubeObject> {
  const { fieldManager, dryRun, signal } = options;
  const fieldValidation = options.validate ? 'Strict' : 'Ignore';
  if (options.mode === 'server-side') {
    // Server-side apply validates strictly by default; only Validate=false needs the raw request.
    if (options.validate)
      return await client.apply(obj, { fieldManager, force: options.force, dryRun, signal });
    return await send(client, 'PATCH', obj, obj, {
      contentType: 'application/apply-patch+yaml',
      query: { fieldManager, force: String(options.force), fieldValidation },
      dryRun,
      signal,
    });
  }
  const desired = options.mode === 'client-side' ? withLastApplied(obj) : obj;
  if (!live) return await client.create(desired, { fieldManager, dryRun, fieldValidation, signal });
  const query = { fieldManager, fieldValidation };
  if (options.mode === 'replace') return await send(client, 'PUT', obj, desired, { query, dryRun, signal });
  const patch = clientSideApplyPatch(lastAppliedOf(live), desired as unknown as Json);
  return await send(client, 'PATCH', obj, patch, {
    contentType: 'application/merge-patch+json',
    query,
    dryRun,
    signal,
  });
}

/** One request to the object's own path. */
async function send(
  client: KubeClient,
  method: string,
  obj: KubeObject,
  body: unknown,
  options: { contentType?: string; query: Record<string, string>; dryRun: boolean; signal?: AbortSignal },
): Promise<KubeObject> {
  const path = await client.pathFor({ ...obj, namespace: obj.metadata.namespace, name: obj.metadata.name });
  return await client.request<KubeObject>(method, path, {
    body,
    ...(options.contentType ? { contentType: options.contentType } : {}),
    query: { ...options.query, dryRun: options.dryRun ? 'All' : undefined },
    signal: options.signal,
  });
}
