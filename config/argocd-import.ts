/**
 * Conversion of an Argo CD `argoproj.io/v1alpha1` Application into an AppSpec. Every Argo field
 * Mooring does not act on is reported as a warning naming it; nothing is dropped silently.
 */
import { inlineHelmValuesProblem } from './app-schema.js';
import { serverCredentialsProblem } from './cluster-registry.js';
import { ARGO_APPLICATION_SCHEMA, unsupportedFields, unsupportedReason } from './argocd-schema.js';
import { NATIVE_API_VERSION, nativeAppSpec, type AppSpecResult } from './native-app.js';
import { subscriptionsFromAnnotations } from './notification-annotations.js';
import { checkSchema } from './schema-check.js';
import type { FieldPath, SpecDocument } from './spec-document.js';
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
  refuseInlineHelmValues(doc);
  checkSchema(doc, ARGO_APPLICATION_SCHEMA, structuredClone(doc.value));
  const argo = doc.value as ArgoApplication;
  const warnings = unsupportedFields(doc.value, ARGO_APPLICATION_SCHEMA).map((path) =>
    doc.warning(path, unsupportedReason(path)),
  );
  const { spec } = argo;
  const source = pickSource(doc, spec, warnings);
  const helm = source.helm;
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
      source: {
        repoURL: source.repoURL,
        // A chart source has no path (sourceProblem refuses one); a Git source defaults to the root.
        path: source.chart === undefined ? source.path || '.' : source.path,
        chart: source.chart,
        targetRevision: source.targetRevision || 'HEAD',
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
      },
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

/**
 * Refuses Helm values and parameters written into the Application (any of its sources), before
 * the schema check so no message can show them: they would travel in workflow payloads.
 */
function refuseInlineHelmValues(doc: SpecDocument): void {
  const spec = (doc.value as { spec?: { source?: unknown; sources?: unknown } } | null)?.spec;
  const sources: [FieldPath, unknown][] = [[['spec', 'source'], spec?.source]];
  if (Array.isArray(spec?.sources))
    spec.sources.forEach((s: unknown, i) => sources.push([['spec', 'sources', i], s]));
  for (const [path, source] of sources) {
    const helm = (source as { helm?: unknown } | null | undefined)?.helm;
    const inline = inlineHelmValuesProblem(helm, { argo: true });
    if (inline) throw doc.error([...path, 'helm', inline.field], inline.problem);
  }
}

function pickSource(doc: SpecDocument, spec: ArgoApplication['spec'], warnings: SpecWarning[]): ArgoSource {
  const first = spec.sources?.[0];
  if (!first) {
    if (!spec.source) throw doc.error(['spec', 'source'], 'is required (or spec.sources)');
    return spec.source;
  }
  if (spec.source)
    warnings.push(doc.warning(['spec', 'source'], 'is ignored because spec.sources is set (as in Argo CD)'));
  const count = spec.sources?.length ?? 0;
  warnings.push(
    doc.warning(
      ['spec', 'sources'],
      `multiple sources are not supported by Mooring: only the first (${first.repoURL}) is used`,
    ),
  );
  for (let i = 1; i < count; i++)
    warnings.push(doc.warning(['spec', 'sources', i], 'is ignored (only the first source is used)'));
  return first;
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
