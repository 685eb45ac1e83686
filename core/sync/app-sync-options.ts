/**
 * The application-level sync options (`spec.syncPolicy.syncOptions`, Argo CD names) as typed
 * settings. The spec check (`config/sync-options.ts`) has already refused unknown keys and values,
 * so anything else met here is left at its default.
 */
import type { DeletePropagation } from './prune.js';

/** Every app-level option Mooring honours, with Argo CD's defaults. */
export interface AppSyncOptions {
  /** `CreateNamespace=true`: create the destination namespace first. @default false */
  createNamespace: boolean;
  /** `PruneLast=true`: prune every orphan after the rest is applied and healthy. @default false */
  pruneLast: boolean;
  /** `PrunePropagationPolicy`: deletion propagation of prune. @default 'foreground' */
  prunePropagationPolicy: DeletePropagation;
  /** `ApplyOutOfSyncOnly=true`: objects whose diff is empty are not applied. @default false */
  applyOutOfSyncOnly: boolean;
  /** `ServerSideApply=false`: client-side apply (merge patch with last-applied). @default true */
  serverSideApply: boolean;
  /** `Replace=true`: replace (PUT) or create instead of apply. @default false */
  replace: boolean;
  /** `Validate=false`: the server ignores unknown fields instead of rejecting them. @default true */
  validate: boolean;
  /** `RespectIgnoreDifferences=true`: ignored fields keep their live values on apply. @default false */
  respectIgnoreDifferences: boolean;
  /**
   * `FailOnSharedResource=true`: fail before writing when another app tracks a desired object.
   * Mooring always does so unless `allowSharedResource`; kept for Argo CD specs. @default false
   */
  failOnSharedResource: boolean;
  /**
   * `AllowSharedResource=true`: the app may take over objects another app tracks (Mooring refuses by
   * default, where Argo CD only warns). @default false
   */
  allowSharedResource: boolean;
  /** `SkipDryRunOnMissingResource=true`: skip the dry-run of kinds the server does not know. @default false */
  skipDryRunOnMissingResource: boolean;
}

const PROPAGATIONS: readonly DeletePropagation[] = ['foreground', 'background', 'orphan'];

/** The settings of `Key=value` items; later items win, unknown ones are ignored (the spec check refused them). */
export function appSyncOptions(items: readonly string[]): AppSyncOptions {
  const values = new Map<string, string>();
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq > 0) values.set(item.slice(0, eq).trim(), item.slice(eq + 1).trim());
  }
  const flag = (key: string, fallback: boolean): boolean => {
    const value = values.get(key);
    return value === 'true' ? true : value === 'false' ? false : fallback;
  };
  const propagation = values.get('PrunePropagationPolicy') as DeletePropagation | undefined;
  return {
    createNamespace: flag('CreateNamespace', false),
    pruneLast: flag('PruneLast', false),
    prunePropagationPolicy:
      propagation !== undefined && PROPAGATIONS.includes(propagation) ? propagation : 'foreground',
    applyOutOfSyncOnly: flag('ApplyOutOfSyncOnly', false),
    serverSideApply: flag('ServerSideApply', true),
    replace: flag('Replace', false),
    validate: flag('Validate', true),
    respectIgnoreDifferences: flag('RespectIgnoreDifferences', false),
    failOnSharedResource: flag('FailOnSharedResource', false),
    allowSharedResource: flag('AllowSharedResource', false),
    skipDryRunOnMissingResource: flag('SkipDryRunOnMissingResource', false),
  };
}
