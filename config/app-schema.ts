/**
 * JSON Schema (draft-07, checked with ajv) of the native `mooring.dev/v1` Application. Defaults are
 * part of the schema and are filled in by validation (`useDefaults`); `description` doubles as the
 * wording of pattern errors ("must be <description>").
 */
import { DURATION_PATTERN } from './duration.js';

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
const duration = (fallback: string) => ({
  type: 'string',
  pattern: DURATION_PATTERN,
  description: 'a duration like "30s", "3m" or "1h"',
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

const helm = closed({
  releaseName: LABEL,
  valueFiles: texts,
  values: { type: ['string', 'object'] },
  parameters: {
    type: 'array',
    items: closed(
      { name: text, value: { type: 'string' }, forceString: { type: 'boolean' } },
      { required: ['name', 'value'] },
    ),
  },
  skipCrds: { type: 'boolean' },
});

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
    path: text,
    targetRevision: { ...text, default: 'HEAD' },
    helm,
    kustomize,
    directory: closed({
      recurse: { type: 'boolean' },
      include: { type: 'string' },
      exclude: { type: 'string' },
    }),
  },
  { required: ['repoURL', 'path'] },
);

const syncPolicy = closed(
  {
    automated: closed({ prune: bool(false), selfHeal: bool(false), allowEmpty: bool(false) }),
    interval: duration('3m'),
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
      limit: { type: 'integer', minimum: 0, default: 5 },
      backoff: closed(
        {
          duration: duration('5s'),
          factor: { type: 'number', minimum: 1, default: 2 },
          maxDuration: duration('3m'),
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
    jqPathExpressions: texts,
    managedFieldsManagers: texts,
  },
  { required: ['kind'] },
);

const autoscaling = closed(
  {
    target: {
      type: 'string',
      pattern: '^[A-Z][A-Za-z0-9]*/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$',
      description: 'a "Kind/name" reference such as "Deployment/web"',
    },
    min: { type: 'integer', minimum: 0 },
    max: { type: 'integer', minimum: 1 },
    query: text,
    targetValue: { type: 'number', exclusiveMinimum: 0 },
  },
  { required: ['target', 'min', 'max', 'query', 'targetValue'] },
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
        destination: closed(
          { cluster: { ...SUBDOMAIN, default: 'local' }, namespace: LABEL },
          { required: ['namespace'] },
        ),
        syncPolicy,
        rollback: closed({ automatic: bool(true), healthTimeout: duration('5m') }, { default: {} }),
        ignoreDifferences: { type: 'array', items: ignoreDifference, default: [] },
        autoscaling,
      },
      { required: ['source', 'destination'] },
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
