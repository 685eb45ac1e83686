/**
 * The part of Argo CD's `argoproj.io/v1alpha1` Application that Mooring imports, as a JSON Schema.
 * It types only the supported fields and leaves `additionalProperties` open: any other field is
 * reported as a warning by `unsupportedFields`, never rejected and never dropped silently.
 */
import { DNS1123_SUBDOMAIN } from './app-schema.js';
import { DURATION_PATTERN } from './duration.js';
import { formatPath, isRecord, type FieldPath } from './spec-document.js';

const str = { type: 'string' };
const text = { type: 'string', minLength: 1 };
const strs = { type: 'array', items: str };
const bool = { type: 'boolean' };
const stringMap = { type: 'object', additionalProperties: str };
const open = (properties: Record<string, unknown>, required: string[] = []) => ({
  type: 'object',
  properties,
  required,
});
const argoDuration = {
  type: 'string',
  pattern: `${DURATION_PATTERN}|^[0-9]+$`,
  description: 'a duration like "5s", "3m" or "1h", or a number of seconds',
};

const source = open(
  {
    repoURL: text,
    path: str,
    chart: str,
    targetRevision: str,
    helm: open({
      valueFiles: strs,
      values: str,
      valuesObject: { type: 'object', additionalProperties: {} },
      parameters: { type: 'array', items: open({ name: text, value: str, forceString: bool }, ['name']) },
      releaseName: str,
      skipCrds: bool,
    }),
    kustomize: open({
      namePrefix: str,
      nameSuffix: str,
      images: strs,
      commonLabels: stringMap,
      commonAnnotations: stringMap,
      namespace: str,
    }),
    directory: open({ recurse: bool, include: str, exclude: str }),
    ref: str,
  },
  ['repoURL'],
);

/** The supported subset of an Argo CD Application. */
export const ARGO_APPLICATION_SCHEMA = open(
  {
    apiVersion: { const: 'argoproj.io/v1alpha1' },
    kind: { const: 'Application' },
    metadata: open(
      {
        name: {
          type: 'string',
          maxLength: 63,
          pattern: DNS1123_SUBDOMAIN,
          description: 'a DNS-1123 subdomain of at most 63 characters',
        },
        // Read for notifications.argoproj.io/subscribe.* (config/notification-annotations.ts).
        annotations: stringMap,
      },
      ['name'],
    ),
    spec: open(
      {
        source,
        sources: { type: 'array', minItems: 1, items: source },
        destination: open({ server: text, name: text, namespace: text }, ['namespace']),
        syncPolicy: open({
          automated: open({ prune: bool, selfHeal: bool, allowEmpty: bool }),
          syncOptions: strs,
          retry: open({
            limit: { type: 'integer' },
            backoff: open({
              duration: argoDuration,
              factor: { type: 'integer', minimum: 1 },
              maxDuration: argoDuration,
            }),
          }),
        }),
        ignoreDifferences: {
          type: 'array',
          items: open(
            {
              group: str,
              kind: text,
              name: str,
              namespace: str,
              jsonPointers: strs,
              jqPathExpressions: strs,
              managedFieldsManagers: strs,
            },
            ['kind'],
          ),
        },
      },
      ['destination'],
    ),
  },
  ['apiVersion', 'kind', 'metadata', 'spec'],
);

/** Why a known Argo CD field is ignored, by field path (array indexes written `[]`). */
const REASONS: Readonly<Record<string, string>> = {
  'metadata.namespace':
    'has no meaning for Mooring (Argo CD reads Applications from its own namespace); ignored',
  'metadata.finalizers':
    'is not supported by Mooring (pruning on deletion is decided by Mooring, not by finalizers); ignored',
  'spec.project': 'is not supported by Mooring (there are no projects); ignored',
  'spec.source.directory.jsonnet': 'is not supported by Mooring (no Jsonnet rendering); ignored',
  'spec.source.plugin':
    'is not supported by Mooring (no config management plugins); the path is rendered as plain manifests, Kustomize or Helm',
};

/** The warning text for an unsupported field at `path`. */
export function unsupportedReason(path: FieldPath): string {
  const key = formatPath(path.map((seg) => (typeof seg === 'number' ? 0 : seg)))
    .replace(/\[0\]/g, '[]')
    .replace(/^spec\.sources\[\]/, 'spec.source');
  return REASONS[key] ?? 'is not supported by Mooring; ignored';
}

/**
 * Lists the fields of `value` that `schema` does not describe, outermost first. A schema node with
 * `properties` and no `additionalProperties` is closed for this purpose; free-form maps say
 * `additionalProperties` explicitly.
 */
export function unsupportedFields(value: unknown, schema: unknown, path: FieldPath = []): FieldPath[] {
  if (!isRecord(schema)) return [];
  if (Array.isArray(value)) {
    return schema.items
      ? value.flatMap((item, i) => unsupportedFields(item, schema.items, [...path, i]))
      : [];
  }
  if (!isRecord(value) || !isRecord(schema.properties)) return [];
  const found: FieldPath[] = [];
  for (const [key, child] of Object.entries(value)) {
    if (Object.hasOwn(schema.properties, key))
      found.push(...unsupportedFields(child, schema.properties[key], [...path, key]));
    else if (schema.additionalProperties === undefined) found.push([...path, key]);
  }
  return found;
}
