/**
 * JSON Schema (draft-07, checked with ajv) of the native `mooring.dev/v1` Application. Defaults are
 * part of the schema and are filled in by validation (`useDefaults`); `description` doubles as the
 * wording of pattern errors ("must be <description>").
 */
import { DURATION_PATTERN } from './duration.js';
import { APP_NOTIFICATIONS_SCHEMA } from './notifications-schema.js';

/** A DNS-1123 label: lower-case letters, digits and "-", at most 63 characters. */
export const DNS1123_LABEL = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
/** A DNS-1123 subdomain: dot-separated labels. */
export const DNS1123_SUBDOMAIN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';

const LABEL = {
  type: 'string',
  maxLength: 63,
  pattern: DNS1123_LABEL,
  description: 'a DNS-1123 label (lower-case letters, digits and "-", at most 63 characters)',
};
const SUBDOMAIN = {
  type: 'string',
  maxLength: 63,
  pattern: DNS1123_SUBDOMAIN,
  description: 'a DNS-1123 subdomain (lower-case letters, digits, "-" and ".", at most 63 characters)',
};
/** A duration with its default and the range it may take (`durationRange`, see schema-check.ts). */
const duration = (fallback: string, min: string, max: string) => ({
  type: 'string',
  pattern: DURATION_PATTERN,
  description: 'a duration like "30s", "3m" or "1h"',
  durationRange: { min, max },
  default: fallback,
});
const text = { type: 'string', minLength: 1 };
const texts = { type: 'array', items: { type: 'string' } };
const stringMap = { type: 'object', additionalProperties: { type: 'string' } };
const bool = (fallback: boolean) => ({ type: 'boolean', default: fallback });
const closed = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  type: 'object',
  additionalProperties: false,
  properties,
  ...extra,
});
const TOP_LEVEL = ['apiVersion', 'kind', 'metadata', 'spec'];

/** A Secret name: a DNS-1123 subdomain of at most 253 characters. */
const SECRET_NAME = { ...SUBDOMAIN, maxLength: 253 };
/** A Secret data key. */
const SECRET_KEY = {
  type: 'string',
  maxLength: 253,
  pattern: '^[-._a-zA-Z0-9]+$',
  description: 'a Secret data key (letters, digits, "-", "_" and ".")',
};

const helm = closed({
  releaseName: LABEL,
  valueFiles: texts,
  valuesFrom: {
    type: 'array',
    items: closed(
      {
        secretRef: closed({ name: SECRET_NAME, key: SECRET_KEY }, { required: ['name'] }),
        optional: { type: 'boolean' },
      },
      { required: ['secretRef'] },
    ),
  },
  skipCrds: { type: 'boolean' },
});

/** Helm fields that would carry values in the spec, with the words naming them in errors. */
const INLINE_HELM_FIELDS: Readonly<Record<string, string>> = {
  values: 'inline Helm values',
  valuesObject: 'inline Helm values',
  parameters: 'Helm parameters',
  fileParameters: 'Helm file parameters',
};

/**
 * The first helm field of `helm` that would put values into the spec (`values`, `valuesObject`,
 * `parameters`, `fileParameters`), with the problem to report, or undefined. A spec travels in
 * Temporal workflow payloads, so values must come from Git or a Secret; the message never shows
 * the value. `argo` words the fix for an Argo CD Application (which has no `valuesFrom`).
 */
export function inlineHelmValuesProblem(
  helm: unknown,
  options: { argo?: boolean } = {},
): { field: string; problem: string } | undefined {
  if (typeof helm !== 'object' || helm === null) return undefined;
  const field = Object.keys(INLINE_HELM_FIELDS).find(
    (f) => (helm as Record<string, unknown>)[f] !== undefined,
  );
  if (field === undefined) return undefined;
  const secret = options.argo
    ? 'or in a Kubernetes Secret named by helm.valuesFrom of a native mooring.dev/v1 Application'
    : 'or in a Kubernetes Secret in the destination namespace named by helm.valuesFrom (secretRef: { name, key })';
  return {
    field,
    problem: `${INLINE_HELM_FIELDS[field]} are not accepted: the spec travels in Temporal workflow payloads, where values would be stored in plain text; put them in a values file in Git listed in helm.valueFiles, ${secret}`,
  };
}

const kustomize = closed({
  namePrefix: { type: 'string' },
  nameSuffix: { type: 'string' },
  images: texts,
  commonLabels: stringMap,
  commonAnnotations: stringMap,
  namespace: LABEL,
});

const source = closed(
  {
    repoURL: text,
    // Required and non-empty unless chart is set: checked by sourceProblem (config/chart-source.ts).
    path: { type: 'string' },
    chart: { type: 'string' },
    targetRevision: { ...text, default: 'HEAD' },
    helm,
    kustomize,
    directory: closed({
      recurse: { type: 'boolean' },
      include: { type: 'string' },
      exclude: { type: 'string' },
    }),
    ref: { type: 'string' },
  },
  { required: ['repoURL'] },
);

const syncPolicy = closed(
  {
    automated: closed({ prune: bool(false), selfHeal: bool(false), allowEmpty: bool(false) }),
    interval: duration('3m', '10s', '24h'),
    syncOptions: {
      type: 'array',
      default: [],
      items: {
        type: 'string',
        pattern: '^[A-Za-z][A-Za-z0-9]*=[^\\s=]+$',
        description: 'a "Key=Value" option such as "CreateNamespace=true"',
      },
    },
    retry: closed({
      limit: { type: 'integer', minimum: 0, maximum: 100, default: 5 },
      backoff: closed(
        {
          duration: duration('5s', '1s', '1h'),
          factor: { type: 'number', minimum: 1, maximum: 10, default: 2 },
          maxDuration: duration('3m', '1s', '24h'),
        },
        { default: {} },
      ),
    }),
  },
  { default: {} },
);

const ignoreDifference = closed(
  {
    group: { type: 'string' },
    kind: text,
    name: { type: 'string' },
    namespace: { type: 'string' },
    jsonPointers: {
      type: 'array',
      items: { type: 'string', pattern: '^/', description: 'a JSON pointer starting with "/"' },
    },
    jqPathExpressions: { type: 'array', items: { type: 'string', jqPath: true } },
    managedFieldsManagers: texts,
  },
  { required: ['kind'] },
);

/** A PromQL expression: not blank, at most 4 KiB (it is sent to Prometheus on every evaluation). */
const PROMQL = {
  type: 'string',
  minLength: 1,
  maxLength: 4096,
  pattern: '\\S',
  description: 'a PromQL expression',
};
/** The workload kinds with `spec.replicas` that autoscaling may set. */
export const SCALABLE_KINDS = ['Deployment', 'StatefulSet', 'ReplicaSet'] as const;

/** The HPA's `behavior.<direction>`: how long recommendations are remembered, in seconds. */
const scalingRules = (window: number) =>
  closed(
    { stabilizationWindowSeconds: { type: 'integer', minimum: 0, maximum: 3600, default: window } },
    { default: {} },
  );

const autoscaling = closed(
  {
    target: {
      type: 'string',
      pattern: `^(${SCALABLE_KINDS.join('|')})/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$`,
      description: `a "Kind/name" reference to a ${SCALABLE_KINDS.slice(0, -1).join(', ')} or ${SCALABLE_KINDS.at(-1)} of this app (the kinds with spec.replicas), such as "Deployment/web"`,
    },
    min: { type: 'integer', minimum: 0 },
    max: { type: 'integer', minimum: 1 },
    query: PROMQL,
    targetValue: { type: 'number', exclusiveMinimum: 0 },
    targetType: { enum: ['AverageValue', 'Value'], default: 'AverageValue' },
    tolerance: { type: 'number', minimum: 0, maximum: 1, default: 0.1 },
    behavior: closed({ scaleUp: scalingRules(0), scaleDown: scalingRules(300) }, { default: {} }),
  },
  { required: ['target', 'min', 'max', 'query', 'targetValue'] },
);

/** The most checks an analysis may have (each is a query every interval). */
export const MAX_ANALYSIS_CHECKS = 10;

const analysisCheck = closed(
  {
    name: LABEL,
    query: PROMQL,
    // "At least one bound" and "min ≤ max" are checked in native-app.ts, with clearer words.
    thresholdRange: closed({ min: { type: 'number' }, max: { type: 'number' } }),
    interval: duration('30s', '1s', '10m'),
    count: { type: 'integer', minimum: 1, maximum: 60, default: 3 },
    failureLimit: { type: 'integer', minimum: 0, default: 0 },
  },
  { required: ['name', 'query', 'thresholdRange'] },
);

const analysis = closed(
  {
    bakeTime: duration('0s', '0s', '1h'),
    inconclusive: { enum: ['Rollback', 'Accept'], default: 'Rollback' },
    // 1..MAX_ANALYSIS_CHECKS checks with unique names: checked in native-app.ts, with clearer words.
    checks: { type: 'array', items: analysisCheck },
  },
  { required: ['checks'] },
);

/** The native Application schema. */
export const APP_SCHEMA = closed(
  {
    apiVersion: { const: 'mooring.dev/v1' },
    kind: { const: 'Application' },
    metadata: closed({ name: LABEL }, { required: ['name'] }),
    spec: closed(
      {
        source,
        // One of source and sources: checked in native-app.ts, with the multi-source rules.
        sources: { type: 'array', items: source, minItems: 1 },
        destination: closed(
          { cluster: { ...SUBDOMAIN, default: 'local' }, namespace: LABEL },
          { required: ['namespace'] },
        ),
        syncPolicy,
        rollback: closed(
          { automatic: bool(true), healthTimeout: duration('5m', '1s', '24h') },
          { default: {} },
        ),
        ignoreDifferences: { type: 'array', items: ignoreDifference, default: [] },
        autoscaling,
        analysis,
        notifications: APP_NOTIFICATIONS_SCHEMA,
      },
      { required: ['destination'] },
    ),
  },
  { required: TOP_LEVEL },
);

/**
 * The schema applied to Applications converted from Argo CD: names may be DNS-1123 subdomains
 * (as Argo CD allows), still at most 63 characters so they fit a label value.
 */
export const IMPORTED_APP_SCHEMA = closed(
  {
    ...APP_SCHEMA.properties,
    metadata: closed({ name: SUBDOMAIN }, { required: ['name'] }),
  },
  { required: TOP_LEVEL },
);
