import { ManifestInvalid } from '../../contract/errors.js';
import { ARGO_SYNC_OPTIONS, MOORING_PRUNE } from '../manifests/annotations.js';
import { type KubeObject } from '../../contract/kube-object.js';
import { formatRef, refOf } from '../../contract/object-ref.js';
import { FLUX_PRUNE } from '../diff/external-annotations.js';

/** Whether an object may be deleted: freely, never, or only after the operator confirms. */
export type DeletionPermission = 'allowed' | 'disabled' | 'confirm';

/** Per-object sync options, from `argocd.argoproj.io/sync-options` and the prune opt-outs. */
export interface ObjectSyncOptions {
  /** May the object be pruned when it leaves Git. `Prune=false|confirm`, `mooring.dev/prune: disabled`. */
  prune: DeletionPermission;
  /** Which annotation set `prune`, for messages; undefined when prune is allowed. */
  pruneSetBy?: string;
  /** May the object be deleted with the app. `Delete=false|confirm`. */
  delete: DeletionPermission;
  /** `ServerSideApply=true|false`; undefined means: follow the app's setting. */
  serverSideApply?: boolean;
  /** `Replace=true`: replace (or create) instead of apply. */
  replace: boolean;
  /** `Force=true`: delete and recreate when an update is rejected. */
  force: boolean;
  /** `Validate=false` turns schema validation off. */
  validate: boolean;
  /** `SkipDryRunOnMissingResource=true`: skip the dry-run while the kind is unknown to the server. */
  skipDryRunOnMissingResource: boolean;
  /** `PruneLast=true`: prune after every other object of the sync is applied and healthy. */
  pruneLast: boolean;
  /** Items of the annotation that are not per-object options Mooring knows, kept for a warning. */
  unrecognized: string[];
}

type Parsed = Partial<Omit<ObjectSyncOptions, 'unrecognized' | 'pruneSetBy'>>;

const bool = (value: string): boolean | undefined =>
  value === 'true' ? true : value === 'false' ? false : undefined;
const permission = (value: string): DeletionPermission | undefined =>
  value === 'false' ? 'disabled' : value === 'confirm' ? 'confirm' : value === 'true' ? 'allowed' : undefined;
const wrap = <T>(value: T | undefined, make: (value: T) => Parsed): Parsed | undefined =>
  value === undefined ? undefined : make(value);

/** Known keys: each turns a value into option fields, or undefined when the value is not allowed. */
const PARSERS: Readonly<Record<string, (value: string) => Parsed | undefined>> = {
  Prune: (v) => wrap(permission(v), (prune) => ({ prune })),
  Delete: (v) => wrap(permission(v), (del) => ({ delete: del })),
  ServerSideApply: (v) => wrap(bool(v), (serverSideApply) => ({ serverSideApply })),
  Replace: (v) => wrap(bool(v), (replace) => ({ replace })),
  Force: (v) => wrap(bool(v), (force) => ({ force })),
  Validate: (v) => wrap(bool(v), (validate) => ({ validate })),
  SkipDryRunOnMissingResource: (v) => wrap(bool(v), (skip) => ({ skipDryRunOnMissingResource: skip })),
  PruneLast: (v) => wrap(bool(v), (pruneLast) => ({ pruneLast })),
};

/**
 * Reads the per-object sync options. Items are `Key=value`, comma-separated, as in Argo CD.
 * Unknown keys (for example app-level options such as CreateNamespace) land in `unrecognized`;
 * a known key with a wrong value is an error, because a mistyped `Prune=flase` would otherwise
 * let the object be pruned. `mooring.dev/prune: disabled` (and Flux's
 * `kustomize.toolkit.fluxcd.io/prune: disabled`) also disable pruning.
 * @throws {ManifestInvalid} on a known option with a value it does not take, or an unknown
 *   value of `mooring.dev/prune` (allowed: `disabled`, `enabled`)
 */
export function syncOptions(obj: KubeObject): ObjectSyncOptions {
  const options: ObjectSyncOptions = {
    prune: 'allowed',
    delete: 'allowed',
    replace: false,
    force: false,
    validate: true,
    skipDryRunOnMissingResource: false,
    pruneLast: false,
    unrecognized: [],
  };
  const annotations = obj.metadata.annotations ?? {};
  const text = annotations[ARGO_SYNC_OPTIONS] ?? '';
  for (const item of text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')) {
    const eq = item.indexOf('=');
    const parse = eq < 0 ? undefined : PARSERS[item.slice(0, eq).trim()];
    if (parse === undefined) {
      options.unrecognized.push(item);
      continue;
    }
    const parsed = parse(item.slice(eq + 1).trim());
    if (parsed === undefined) {
      throw new ManifestInvalid(
        `Cannot read annotation "${ARGO_SYNC_OPTIONS}" of ${formatRef(refOf(obj))}: "${item}" has a value the option does not take`,
      );
    }
    Object.assign(options, parsed);
  }
  if (options.prune !== 'allowed')
    options.pruneSetBy = `${ARGO_SYNC_OPTIONS}: Prune=${options.prune === 'confirm' ? 'confirm' : 'false'}`;
  const flux = annotations[FLUX_PRUNE];
  if (flux?.trim().toLowerCase() === 'disabled') {
    options.prune = 'disabled';
    options.pruneSetBy = `${FLUX_PRUNE}: ${flux}`;
  }
  const mooring = annotations[MOORING_PRUNE];
  if (mooring !== undefined) {
    const value = mooring.trim().toLowerCase();
    if (value !== 'disabled' && value !== 'enabled') {
      throw new ManifestInvalid(
        `Cannot read annotation "${MOORING_PRUNE}" of ${formatRef(refOf(obj))}: current value is "${mooring}", expected "disabled" or "enabled"`,
      );
    }
    if (value === 'disabled') {
      options.prune = 'disabled';
      options.pruneSetBy = `${MOORING_PRUNE}: ${mooring}`;
    }
  }
  return options;
}

/**
 * One warning per object and unrecognised item of its `argocd.argoproj.io/sync-options`, naming
 * both (an app-level option set on an object, or a misspelt key, has no effect there).
 */
export function unrecognizedOptionWarnings(objects: readonly KubeObject[]): string[] {
  return objects.flatMap((obj) =>
    syncOptions(obj).unrecognized.map(
      (item) =>
        `${formatRef(refOf(obj))}: sync option "${item}" in annotation "${ARGO_SYNC_OPTIONS}" is not a per-object option; ignored`,
    ),
  );
}
