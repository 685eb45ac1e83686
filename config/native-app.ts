/** Validation, defaults and conversion of a native `mooring.dev/v1` Application into an AppSpec. */
import {
  APP_SCHEMA,
  IMPORTED_APP_SCHEMA,
  MAX_ANALYSIS_CHECKS,
  inlineHelmValuesProblem,
} from './app-schema.js';
import { sourceProblem } from './chart-source.js';
import { isRefOnly, sourcesProblem } from './multi-source.js';
import { parseDuration } from './duration.js';
import { checkSchema } from './schema-check.js';
import type { FieldPath, SpecDocument } from './spec-document.js';
import type { SpecWarning } from './spec-error.js';
import { checkSyncOptions } from './sync-options.js';
import type { AnalysisPolicy, AppSource, AppSpec } from './types.js';

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
  spec: Omit<AppSpec, 'name' | 'source'> & { source?: AppSource };
};

/**
 * Validates a native Application (or one converted from Argo CD), fills in the defaults and returns
 * the AppSpec. Never reads files or clusters.
 *
 * @throws {SpecError} naming the file, line, object and field of the first problem
 */
export function nativeAppSpec(doc: SpecDocument, options: NativeAppOptions = {}): AppSpecResult {
  const value = structuredClone(options.imported ?? doc.value);
  if (!options.imported) refuseInlineHelmValues(doc);
  checkSchema(doc, options.imported ? IMPORTED_APP_SCHEMA : APP_SCHEMA, value);
  const { metadata, spec } = value as Validated;
  const sources = appSources(doc, spec);
  const [source] = sources;
  if (!source) throw doc.error(['spec', 'sources'], 'must list at least one source');
  const auto = spec.autoscaling;
  if (auto && auto.max < auto.min) {
    throw doc.error(
      ['spec', 'autoscaling', 'max'],
      `must be at least min (${auto.min}): current value is ${auto.max}`,
    );
  }
  if (spec.analysis) checkAnalysis(doc, spec.analysis);
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
    source,
    ...(sources.length > 1 && { sources }),
    destination: spec.destination,
    syncPolicy: spec.syncPolicy,
    rollback: spec.rollback,
    ignoreDifferences: spec.ignoreDifferences,
  };
  if (auto) app.autoscaling = auto;
  if (spec.analysis) app.analysis = spec.analysis;
  if (spec.notifications) app.notifications = spec.notifications;
  return { app, warnings };
}

/**
 * What the schema cannot say of `spec.analysis` (already validated and defaulted): 1 to
 * MAX_ANALYSIS_CHECKS checks with unique names, each with a threshold range that has a bound and
 * is not inverted, and a failureLimit below count (otherwise the check could never fail).
 */
function checkAnalysis(doc: SpecDocument, analysis: AnalysisPolicy): void {
  const path = ['spec', 'analysis', 'checks'];
  const { checks } = analysis;
  if (checks.length === 0)
    throw doc.error(path, 'must list at least one check (name, query, thresholdRange): current value is []');
  if (checks.length > MAX_ANALYSIS_CHECKS)
    throw doc.error(
      path,
      `must list at most ${MAX_ANALYSIS_CHECKS} checks: current value has ${checks.length}; combine or drop checks`,
    );
  const seen = new Map<string, number>();
  checks.forEach((check, i) => {
    const first = seen.get(check.name);
    if (first !== undefined)
      throw doc.error(
        [...path, i, 'name'],
        `duplicate check name ${JSON.stringify(check.name)}: checks[${first}] has the same name; give each check its own name`,
      );
    seen.set(check.name, i);
    const { min, max } = check.thresholdRange;
    if (min === undefined && max === undefined)
      throw doc.error(
        [...path, i, 'thresholdRange'],
        'must have min, max or both (a measurement passes when min ≤ value ≤ max): current value is {}',
      );
    if (min !== undefined && max !== undefined && min > max)
      throw doc.error(
        [...path, i, 'thresholdRange', 'max'],
        `must be at least min (${min}): current value is ${max}`,
      );
    if (check.failureLimit >= check.count)
      throw doc.error(
        [...path, i, 'failureLimit'],
        `must be less than count (${check.count}), otherwise the check can never fail: current value is ${check.failureLimit}`,
      );
  });
}

/**
 * Refuses Helm values and parameters written into the Application (any of its sources), before
 * the schema check so no message can show them: they would travel in workflow payloads.
 */
export function refuseInlineHelmValues(doc: SpecDocument, options: { argo?: boolean } = {}): void {
  const spec = (doc.value as { spec?: { source?: unknown; sources?: unknown } } | null)?.spec;
  const sources: [FieldPath, unknown][] = [[['spec', 'source'], spec?.source]];
  if (Array.isArray(spec?.sources))
    spec.sources.forEach((s: unknown, i) => sources.push([['spec', 'sources', i], s]));
  for (const [path, source] of sources) {
    const inline = inlineHelmValuesProblem((source as { helm?: unknown } | null | undefined)?.helm, options);
    if (inline) throw doc.error([...path, 'helm', inline.field], inline.problem);
  }
}

/**
 * The app's sources, checked: `source` alone, or `sources` (config/multi-source.ts). A chart
 * source's and a ref-only source's path is "".
 */
function appSources(doc: SpecDocument, spec: Validated['spec']): AppSource[] {
  if (spec.source !== undefined && spec.sources !== undefined)
    throw doc.error(['spec', 'sources'], 'cannot be set with spec.source: list every source in spec.sources');
  if (spec.source === undefined && spec.sources === undefined)
    throw doc.error(['spec', 'source'], 'is required (or spec.sources, for several sources)');
  if (spec.source !== undefined) {
    if (spec.source.ref !== undefined)
      throw doc.error(
        ['spec', 'source', 'ref'],
        'names a source for the others of spec.sources: an app with one source has no others; remove ref',
      );
    const bad = sourceProblem(spec.source);
    if (bad) throw doc.error(['spec', 'source', bad.field], bad.problem);
    if (spec.source.chart !== undefined) spec.source.path = '';
    return [spec.source];
  }
  const sources = spec.sources ?? [];
  const bad = sourcesProblem(sources);
  if (bad) throw doc.error(['spec', 'sources', bad.index, bad.field], bad.problem);
  for (const source of sources) if (source.chart !== undefined || isRefOnly(source)) source.path = '';
  return sources;
}
