/**
 * Parsing of YAML/JSON manifest streams into Kubernetes objects. Pure: no file access; the caller
 * passes the text and the file name that errors should mention.
 */
import { parseAllDocuments } from 'yaml';
import { ManifestInvalid } from '../../contract/errors.js';
import type { KubeObject } from '../../contract/kube-object.js';
import type { ManifestEntry } from './types.js';
import { yamlErrorReason } from '../scrub/yaml-error.js';
import { describeValue, validateObject } from './validate-object.js';

/** Options of `parseManifests`. */
export interface ParseManifestsOptions {
  /** File name (relative to the repository) or stream name used in error messages. */
  file: string;
  /** Name objects by Helm's `# Source: <template>` comments (for `helm template` output). @default false */
  helmSources?: boolean;
}

/** Helm prefixes each rendered template with `# Source: <chart>/templates/<file>`. */
const HELM_SOURCE = /^# Source: (.+)$/m;

/**
 * Parses a multi-document YAML or JSON stream into objects. Empty documents are skipped and
 * `kind: List` (or `*List`) documents are expanded into their items. Throws ManifestInvalid naming
 * the file, the 1-based document index and the reason.
 */
export function parseManifests(text: string, options: ParseManifestsOptions): KubeObject[] {
  return parseManifestEntries(text, options).map((entry) => entry.object);
}

/** Like `parseManifests`, keeping each object's file and document for later error messages. */
export function parseManifestEntries(text: string, options: ParseManifestsOptions): ManifestEntry[] {
  const { file, helmSources = false } = options;
  const entries: ManifestEntry[] = [];
  const docs = parseAllDocuments(text, { merge: true, prettyErrors: true });
  if (!Array.isArray(docs)) return entries;
  let previousEnd = 0;
  docs.forEach((doc, index) => {
    const document = index + 1;
    const source = helmSources
      ? HELM_SOURCE.exec(text.slice(previousEnd, doc.range[1]))?.[1]?.trim()
      : undefined;
    previousEnd = doc.range[2];
    const origin = source ?? file;
    const where = source ? `"${source}" (document ${document} of ${file})` : `"${file}" document ${document}`;
    const error = doc.errors[0];
    // The parser's own error is never the cause: its message and stack quote the source line.
    if (error) throw new ManifestInvalid(`Cannot parse ${where} as YAML: ${yamlErrorReason(error)}`);
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (cause) {
      throw new ManifestInvalid(`Cannot parse ${where} as YAML: ${yamlErrorReason(cause)}`);
    }
    if (value === null || value === undefined) return;
    for (const object of expandList(value, where)) entries.push({ object, file: origin, document });
  });
  return entries;
}

/** Expands `kind: List` (or any `*List` with `items`); a List needs no metadata.name. */
function expandList(value: unknown, where: string): KubeObject[] {
  if (isList(value)) {
    const { items, kind } = value;
    if (!Array.isArray(items)) {
      throw new ManifestInvalid(
        `Invalid manifest ${where} (${kind}): items must be a list: current value is ${describeValue(items)}`,
      );
    }
    return items.map((item, i) => validateObject(item, `${where} item ${i + 1}`));
  }
  return [validateObject(value, where)];
}

function isList(value: unknown): value is { apiVersion: string; kind: string; items: unknown } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const { apiVersion, kind } = value as { apiVersion?: unknown; kind?: unknown };
  return (
    typeof apiVersion === 'string' &&
    apiVersion !== '' &&
    typeof kind === 'string' &&
    kind.endsWith('List') &&
    'items' in value
  );
}
