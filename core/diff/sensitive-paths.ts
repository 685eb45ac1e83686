/**
 * Masking of the values of non-Secret objects the render decrypted with SOPS (a ConfigMap with an
 * encrypted `data` key, say). The render marks such an object with `mooring.dev/sensitive-paths`, a
 * JSON list of the JSON pointers of its decrypted values; the mark is applied with the object, so
 * the live copy carries it too. Before a diff, every value under a marked pointer (of either side)
 * becomes a run of `+`, as Secret data does: equal values share a mask per pointer and a new value
 * gets a longer one, so a change stays visible and the value never appears. A mark that cannot be
 * read masks everything but apiVersion, kind and metadata. Pure.
 */
import type { KubeObject } from '../../contract/kube-object.js';
import { MOORING_SENSITIVE_PATHS } from '../manifests/annotations.js';
import { KUBECTL_LAST_APPLIED } from './external-annotations.js';
import { parsePointer } from './json-pointer.js';

const FIRST_MASK = '++++++++';
/** The whole object but its identity, when a mark is unreadable. */
const EVERYTHING = '*';

/** The pointers a marked object names; `[EVERYTHING]` for an unreadable mark; [] when unmarked. */
function markedPaths(obj: KubeObject | undefined): string[] {
  const mark = obj?.metadata.annotations?.[MOORING_SENSITIVE_PATHS];
  if (mark === undefined) return [];
  try {
    const paths: unknown = JSON.parse(mark);
    if (Array.isArray(paths) && paths.every((path) => typeof path === 'string' && parsePointer(path)))
      return paths as string[];
  } catch {
    // fall through: unreadable
  }
  return [EVERYTHING];
}

type Node = Record<string, unknown> | unknown[];
const isNode = (value: unknown): value is Node => typeof value === 'object' && value !== null;

/** The parent container and key of `tokens` in `doc`, or undefined when the path is absent. */
function locate(doc: unknown, tokens: readonly string[]): [Node, string] | undefined {
  let node = doc;
  for (const token of tokens.slice(0, -1)) {
    if (!isNode(node) || !Object.hasOwn(node, token)) return undefined;
    node = (node as Record<string, unknown>)[token];
  }
  const last = tokens[tokens.length - 1];
  return isNode(node) && last !== undefined && Object.hasOwn(node, last) ? [node, last] : undefined;
}

/**
 * Copies of `before` and `after` with the values under the pointers either one marks masked (and
 * the kubectl last-applied annotation, which repeats them). Unmarked pairs pass through.
 */
export function maskSensitivePaths(
  before: KubeObject | undefined,
  after: KubeObject | undefined,
): [KubeObject | undefined, KubeObject | undefined] {
  const union = [...new Set([...markedPaths(before), ...markedPaths(after)])];
  if (union.length === 0) return [before, after];
  const pointers = union.includes(EVERYTHING)
    ? [
        ...new Set(
          [before, after].flatMap((o) =>
            Object.keys(o ?? {}).filter((k) => !['apiVersion', 'kind', 'metadata'].includes(k)),
          ),
        ),
      ].map((key) => `/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`)
    : union;
  const masks = new Map<string, Map<string, string>>();
  const maskOf = (path: string, value: unknown): string => {
    const text = JSON.stringify(value) ?? 'undefined';
    let perPath = masks.get(path);
    if (!perPath) masks.set(path, (perPath = new Map()));
    let mask = perPath.get(text);
    if (mask === undefined) perPath.set(text, (mask = FIRST_MASK + '+'.repeat(perPath.size)));
    return mask;
  };
  const maskLeaves = (value: unknown, path: string): unknown => {
    if (Array.isArray(value)) return value.map((item, i) => maskLeaves(item, `${path}/${i}`));
    if (isNode(value))
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskLeaves(v, `${path}/${k}`)]));
    return maskOf(path, value);
  };
  const mask = (obj: KubeObject | undefined): KubeObject | undefined => {
    if (obj === undefined) return undefined;
    const copy = structuredClone(obj);
    for (const pointer of pointers) {
      const tokens = parsePointer(pointer);
      const found = tokens && tokens.length > 0 ? locate(copy, tokens) : undefined;
      if (!found) continue;
      const [parent, key] = found;
      (parent as Record<string, unknown>)[key] = maskLeaves(
        (parent as Record<string, unknown>)[key],
        pointer,
      );
    }
    const annotations = copy.metadata.annotations;
    if (annotations?.[KUBECTL_LAST_APPLIED] !== undefined)
      annotations[KUBECTL_LAST_APPLIED] = maskOf('last-applied', annotations[KUBECTL_LAST_APPLIED]);
    return copy;
  };
  const maskedBefore = mask(before);
  return [maskedBefore, mask(after)];
}
