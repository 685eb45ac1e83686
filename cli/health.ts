/**
 * `mooring health`: the health of Kubernetes objects read from YAML, one line per object, the
 * way Mooring and Argo CD judge it. Pure: parses text and assesses; reads no files, prints
 * nothing and never calls a cluster.
 */
import { parseAllDocuments } from 'yaml';
import { aggregateHealth, assessHealth } from '../core/health/index.js';
import type { HealthStatusCode, KubeObject } from '../contract/kube-object.js';
import { formatRef, refOf } from '../contract/object-ref.js';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function toObject(value: unknown, where: string): KubeObject {
  if (!isRecord(value)) {
    throw new TypeError(
      `Cannot read ${where} as a Kubernetes object: current value is ${JSON.stringify(value)}`,
    );
  }
  for (const field of ['apiVersion', 'kind'] as const) {
    if (typeof value[field] !== 'string' || value[field] === '') {
      throw new TypeError(
        `Cannot read ${where} as a Kubernetes object: "${field}" is missing or not a string`,
      );
    }
  }
  const metadata = value['metadata'] ?? {};
  if (!isRecord(metadata)) {
    throw new TypeError(`Cannot read ${where} as a Kubernetes object: "metadata" is not a mapping`);
  }
  return { ...value, metadata } as KubeObject;
}

/** The objects of a YAML stream: each document, with `kind: List` documents expanded. */
function objectsOf(yamlText: string): KubeObject[] {
  const documents = parseAllDocuments(yamlText);
  documents.forEach((doc, index) => {
    const error = doc.errors[0];
    // The first line names the problem and its position; the rest is a code frame.
    const reason = error?.message.split('\n')[0]?.replace(/:$/, '');
    if (reason !== undefined)
      throw new SyntaxError(`Cannot parse YAML document at index ${index}: ${reason}`);
  });
  return documents.flatMap((doc, index): KubeObject[] => {
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) return [];
    const where = `YAML document at index ${index}`;
    if (isRecord(value) && value['kind'] === 'List' && Array.isArray(value['items'])) {
      return value['items'].map((item: unknown, i) => toObject(item, `item ${i} of the List in ${where}`));
    }
    return [toObject(value, where)];
  });
}

/**
 * The health report of a YAML stream (several documents, or a `kind: List` with `items` as
 * `kubectl get -o yaml` prints): one line `<Kind>/<name>: <Status> <message>` per object (no
 * message, no trailing space), and the worst status as app health (`aggregateHealth`; Healthy
 * for an empty stream). Messages are folded onto one line.
 *
 * Throws a SyntaxError naming the document index and the reason when the YAML is invalid, and a
 * TypeError when a document is not a Kubernetes object (no `apiVersion` or `kind`).
 */
export function healthReport(yamlText: string): { lines: string[]; worst: HealthStatusCode } {
  const assessed = objectsOf(yamlText).map((obj) => ({ obj, result: assessHealth(obj) }));
  const lines = assessed.map(({ obj, result }) => {
    const message = (result.message ?? '').replace(/\s+/g, ' ').trim();
    const name = obj.metadata.name ?? obj.metadata.generateName ?? '';
    const head = `${formatRef({ ...refOf(obj), name })}: ${result.status}`;
    return message ? `${head} ${message}` : head;
  });
  return { lines, worst: aggregateHealth(assessed.map(({ result }) => result)) };
}
