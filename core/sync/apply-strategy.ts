/**
 * How one object is written: the app's sync options, overridden by the object's own
 * `argocd.argoproj.io/sync-options` (Argo CD semantics).
 */
import { type KubeObject } from '../../contract/kube-object.js';
import { groupOf } from '../../contract/object-ref.js';
import type { AppSyncOptions } from './app-sync-options.js';
import { isCrd } from './namespace-default.js';
import { syncOptions } from './sync-options.js';

/** `server-side`: SSA (the default); `client-side`: merge patch with last-applied, as kubectl apply; `replace`: PUT, or POST when absent. */
export type WriteMode = 'server-side' | 'client-side' | 'replace';

export interface ApplyStrategy {
  mode: WriteMode;
  /** `Force=true`: delete and recreate when the server rejects the update. Never for Namespaces and CRDs. */
  recreateOnReject: boolean;
  /** `Validate=false` (object or app) turns strict field validation off. */
  validate: boolean;
}

/** The default: server-side apply, strict validation, no recreate. */
export const DEFAULT_APPLY_STRATEGY: ApplyStrategy = {
  mode: 'server-side',
  recreateOnReject: false,
  validate: true,
};

/**
 * The strategy for `obj`: `Replace=true` (object or app) wins, then `ServerSideApply` (the object's
 * setting, else the app's; with `Validate=false` client-side unless the object sets it). Force never recreates a Namespace or a CRD: deleting one deletes
 * everything in it.
 * @throws {ManifestInvalid} when the object's sync-options annotation has a bad value
 */
export function applyStrategy(obj: KubeObject, app: AppSyncOptions): ApplyStrategy {
  const own = syncOptions(obj);
  const validate = own.validate && app.validate;
  // Server-side apply rejects undeclared fields whatever the validation ("field not declared in
  // schema"), so Validate=false writes client-side, as Argo CD's default apply does, unless the
  // object itself asks for server-side apply.
  const serverSide = own.serverSideApply ?? (validate ? app.serverSideApply : false);
  const mode: WriteMode = own.replace || app.replace ? 'replace' : serverSide ? 'server-side' : 'client-side';
  const container = isCrd(obj) || (obj.kind === 'Namespace' && groupOf(obj.apiVersion) === '');
  return { mode, recreateOnReject: own.force && !container, validate };
}
