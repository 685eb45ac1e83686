/**
 * Conversion of an Argo CD `argoproj.io/v1alpha1` Application into an AppSpec. Every Argo field
 * Mooring does not act on is reported as a warning naming it; nothing is dropped silently.
 */
import { serverCredentialsProblem } from './cluster-registry.js';
import { ARGO_APPLICATION_SCHEMA, unsupportedFields, unsupportedReason } from './argocd-schema.js';
import {
  NATIVE_API_VERSION,
  nativeAppSpec,
  refuseInlineHelmValues,
  type AppSpecResult,
} from './native-app.js';
import { subscriptionsFromAnnotations } from './notification-annotations.js';
import { checkSchema } from './schema-check.js';
import type { SpecDocument } from './spec-document.js';
import type { SpecWarning } from './spec-error.js';

/** Argo CD's API version for Application and ApplicationSet. */
export const ARGO_API_VERSION = 'argoproj.io/v1alpha1';
/** The API server URL Argo CD uses for the cluster it runs in; Mooring's cluster `local`. */
export const IN_CLUSTER_SERVER = 'https://kubernetes.default.svc';
/** The cluster name Argo CD uses for the cluster it runs in. */
export const IN_CLUSTER_NAME = 'in-cluster';

/** Options of `importArgoApplication`. */
export interface ArgoImportOptions {
  /**
   * The name of the cluster registered for an API server URL, or undefined when none is.
   * @default undefined (no cluster is registered: the URL's host name is used, with a warning)
   */
  clusterByServer?: (server: string) => string | undefined;
}

interface ArgoSource {
  repoURL: string;
  path?: string;
  chart?: string;
  targetRevision?: string;
  helm?: {
    valueFiles?: string[];
    releaseName?: string;
    skipCrds?: boolean;
  };
  kustomize?: Record<string, unknown>;
  directory?: Record<string, unknown>;
  ref?: string;
}

interface ArgoApplication {
  metadata: { name: string; annotations?: Record<string, string> };
  spec: {
    source?: ArgoSource;
    sources?: ArgoSource[];
    destination: { server?: string; name?: string; namespace: string };
    syncPolicy?: {
      automated?: { prune?: boolean; selfHeal?: boolean; allowEmpty?: boolean };
      syncOptions?: string[];
      retry?: { limit?: number; backoff?: { duration?: string; factor?: number; maxDuration?: string } };
    };
    ignoreDifferences?: Record<string, unknown>[];
  };
}

/**
 * Converts an Argo CD Application document (or a scoped view holding one generated from an
 * ApplicationSet) into an AppSpec with Mooring's defaults, plus warnings for ignored fields.
 *
 * @throws {SpecError} naming the file, line, object and field of the first problem
 */
export function importArgoApplication(doc: SpecDocument, options: ArgoImportOptions = {}): AppSpecResult {
  refuseInlineHelmValues(doc, { argo: true });
  checkSchema(doc, ARGO_APPLICATION_SCHEMA, structuredClone(doc.value));
  const argo = doc.value as ArgoApplication;
  const warnings = unsupportedFields(doc.value, ARGO_APPLICATION_SCHEMA).map((path) =>
    doc.warning(path, unsupportedReason(path)),
  );
  const { spec } = argo;
  const sources = pickSources(doc, spec, warnings);
  const retry = spec.syncPolicy?.retry;
  if (retry?.limit !== undefined && retry.limit < 0) {
    warnings.push(
      doc.warning(
        ['spec', 'syncPolicy', 'retry', 'limit'],
        `unlimited retries are not supported by Mooring: current value is ${retry.limit}; using the default limit of 5`,
      ),
    );
  }
  const notify = subscriptionsFromAnnotations(argo.metadata.annotations);
  for (const { annotation, problem } of notify.problems)
    warnings.push(doc.warning(['metadata', 'annotations', annotation], problem));
  const native = {
    apiVersion: NATIVE_API_VERSION,
    kind: 'Application',
    metadata: { name: argo.metadata.name },
    spec: {
      ...(sources.length === 1
        ? { source: nativeSource(sources[0]) }
        : { sources: sources.map(nativeSource) }),
      destination: {
        cluster: clusterOf(doc, spec.destination, options, warnings),
        namespace: spec.destination.namespace,
      },
      syncPolicy: spec.syncPolicy && {
        automated: spec.syncPolicy.automated && {
          prune: spec.syncPolicy.automated.prune ?? false,
          selfHeal: spec.syncPolicy.automated.selfHeal ?? false,
          allowEmpty: spec.syncPolicy.automated.allowEmpty ?? false,
        },
        syncOptions: spec.syncPolicy.syncOptions,
        retry: retry && {
          limit: retry.limit !== undefined && retry.limit >= 0 ? retry.limit : undefined,
          backoff: retry.backoff && {
            duration: seconds(retry.backoff.duration),
            factor: retry.backoff.factor,
            maxDuration: seconds(retry.backoff.maxDuration),
          },
        },
      },
      ignoreDifferences: spec.ignoreDifferences?.map((rule) =>
        pick(rule, [
          'group',
          'kind',
          'name',
          'namespace',
          'jsonPointers',
          'jqPathExpressions',
          'managedFieldsManagers',
        ]),
      ),
      notifications: notify.subscriptions.length > 0 ? { subscriptions: notify.subscriptions } : undefined,
    },
  };
  // Only supported Argo fields were copied above, so the JSON round trip just drops absent ones.
  const result = nativeAppSpec(doc, { imported: JSON.parse(JSON.stringify(native)) });
  return { app: result.app, warnings: [...warnings, ...result.warnings] };
}

/** `spec.sources` when set (Argo CD then ignores `spec.source`), else `[spec.source]`. */
function pickSources(
  doc: SpecDocument,
  spec: ArgoApplication['spec'],
  warnings: SpecWarning[],
): ArgoSource[] {
  if (spec.sources && spec.sources.length > 0) {
    if (spec.source)
      warnings.push(
        doc.warning(['spec', 'source'], 'is ignored because spec.sources is set (as in Argo CD)'),
      );
    return spec.sources;
  }
  if (!spec.source) throw doc.error(['spec', 'source'], 'is required (or spec.sources)');
  return [spec.source];
}

/** The native form of an Argo CD source (only supported fields; absent ones dropped later). */
function nativeSource(source: ArgoSource | undefined): Record<string, unknown> | undefined {
  if (!source) return undefined;
  const { helm } = source;
  // A ref-only source (ref, no path) only provides files; otherwise a Git source defaults to the root.
  const refOnly = source.ref !== undefined && !source.path && source.chart === undefined;
  return {
    repoURL: source.repoURL,
    // A chart source has no path (sourceProblem refuses one).
    path: source.chart === undefined && !refOnly ? source.path || '.' : source.path,
    chart: source.chart,
    targetRevision: source.targetRevision || 'HEAD',
    ref: source.ref,
    helm: helm && {
      releaseName: helm.releaseName,
      valueFiles: helm.valueFiles,
      skipCrds: helm.skipCrds,
    },
    kustomize: pick(source.kustomize, [
      'namePrefix',
      'nameSuffix',
      'images',
      'commonLabels',
      'commonAnnotations',
      'namespace',
    ]),
    directory: pick(source.directory, ['recurse', 'include', 'exclude']),
  };
}

function clusterOf(
  doc: SpecDocument,
  dest: ArgoApplication['spec']['destination'],
  options: ArgoImportOptions,
  warnings: SpecWarning[],
): string {
  const { name, server } = dest;
  if (name !== undefined && server !== undefined) {
    throw doc.error(
      ['spec', 'destination'],
      `must set server or name, not both: current values are ${JSON.stringify(server)} and ${JSON.stringify(name)}`,
    );
  }
  if (name !== undefined) return name === IN_CLUSTER_NAME ? 'local' : name;
  if (server === undefined)
    throw doc.error(['spec', 'destination', 'server'], 'is required (or spec.destination.name)');
  const credentials = serverCredentialsProblem(server);
  if (credentials) throw doc.error(['spec', 'destination', 'server'], credentials);
  if (server.replace(/\/+$/, '') === IN_CLUSTER_SERVER) return 'local';
  const registered = options.clusterByServer?.(server);
  if (registered) return registered;
  let host: string;
  try {
    host = new URL(server).hostname;
  } catch {
    throw doc.error(
      ['spec', 'destination', 'server'],
      `must be an API server URL: current value is ${JSON.stringify(server)}`,
    );
  }
  warnings.push(
    doc.warning(
      ['spec', 'destination', 'server'],
      `no cluster is registered for ${JSON.stringify(server)}: using cluster "${host}"; register the cluster under that name or map its URL`,
    ),
  );
  return host;
}

/** Argo CD also accepts a bare number of seconds for backoff durations. */
function seconds(duration: string | undefined): string | undefined {
  return duration !== undefined && /^[0-9]+$/.test(duration) ? `${duration}s` : duration;
}

/** The supported fields of an Argo object; the others were reported by `unsupportedFields`. */
function pick(
  value: Record<string, unknown> | undefined,
  keys: readonly string[],
): Record<string, unknown> | undefined {
  return value && Object.fromEntries(keys.filter((k) => value[k] !== undefined).map((k) => [k, value[k]]));
}
