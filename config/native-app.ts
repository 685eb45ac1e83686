/** Validation, defaults and conversion of a native `mooring.dev/v1` Application into an AppSpec. */
import { APP_SCHEMA, IMPORTED_APP_SCHEMA, inlineHelmValuesProblem } from './app-schema.js';
import { parseDuration } from './duration.js';
import { checkSchema } from './schema-check.js';
import type { SpecDocument } from './spec-document.js';
import type { SpecWarning } from './spec-error.js';
import { checkSyncOptions } from './sync-options.js';
import type { AppSpec } from './types.js';

/** The native API version. */
export const NATIVE_API_VERSION = 'mooring.dev/v1';

/** An AppSpec with the warnings found while reading it. */
export interface AppSpecResult {
  app: AppSpec;
  warnings: SpecWarning[];
}

/** Options of `nativeAppSpec`. */
export interface NativeAppOptions {
  /**
   * The object converted from an Argo CD Application: validated with the imported-app schema
   * (DNS-1123 subdomain names) instead of `doc.value`.
   * @default undefined (validate `doc.value` with the native schema)
   */
  imported?: unknown;
}

type Validated = {
  metadata: { name: string };
  spec: Omit<AppSpec, 'name'>;
};

/**
 * Validates a native Application (or one converted from Argo CD), fills in the defaults and returns
 * the AppSpec. Never reads files or clusters.
 *
 * @throws {SpecError} naming the file, line, object and field of the first problem
 */
export function nativeAppSpec(doc: SpecDocument, options: NativeAppOptions = {}): AppSpecResult {
  const value = structuredClone(options.imported ?? doc.value);
  const helm = (doc.value as { spec?: { source?: { helm?: unknown } } } | null)?.spec?.source?.helm;
  const inline = options.imported ? undefined : inlineHelmValuesProblem(helm);
  if (inline) throw doc.error(['spec', 'source', 'helm', inline.field], inline.problem);
  checkSchema(doc, options.imported ? IMPORTED_APP_SCHEMA : APP_SCHEMA, value);
  const { metadata, spec } = value as Validated;
  const auto = spec.autoscaling;
  if (auto && auto.max < auto.min) {
    throw doc.error(
      ['spec', 'autoscaling', 'max'],
      `must be at least min (${auto.min}): current value is ${auto.max}`,
    );
  }
  const backoff = spec.syncPolicy.retry?.backoff;
  if (backoff && parseDuration(backoff.maxDuration) < parseDuration(backoff.duration)) {
    throw doc.error(
      ['spec', 'syncPolicy', 'retry', 'backoff', 'maxDuration'],
      `must be at least duration (${JSON.stringify(backoff.duration)}): current value is ${JSON.stringify(backoff.maxDuration)}`,
    );
  }
  const warnings = checkSyncOptions(doc, ['spec', 'syncPolicy', 'syncOptions'], spec.syncPolicy.syncOptions);
  const app: AppSpec = {
    name: metadata.name,
    source: spec.source,
    destination: spec.destination,
    syncPolicy: spec.syncPolicy,
    rollback: spec.rollback,
    ignoreDifferences: spec.ignoreDifferences,
  };
  if (auto) app.autoscaling = auto;
  return { app, warnings };
}
