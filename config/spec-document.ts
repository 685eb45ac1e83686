/**
 * One YAML document of a spec file, able to point at the line of any of its fields, and the reading
 * of a spec file into documents. Reading refuses, before or while parsing and always naming the file
 * and line: files over `MAX_SPEC_BYTES`, text that is not UTF-8 or holds control characters, YAML
 * errors (duplicate keys included), tags other than the plain core ones (`!!js/function`,
 * `!!binary`, custom `!tags`), aliases that expand past `MAX_ALIAS_COUNT` (billion laughs) and
 * nesting deeper than `MAX_SPEC_DEPTH`. A `v1` `List` is read as its items.
 */
import {
  isMap,
  isNode,
  isScalar,
  isSeq,
  LineCounter,
  parseAllDocuments,
  visit,
  type Document,
  type Node,
} from 'yaml';
import {
  SpecError,
  SpecSyntaxError,
  formatSpecMessage,
  type SpecLocation,
  type SpecWarning,
} from './spec-error.js';
import { yamlReason } from './yaml-reason.js';

/** A field path: object keys and array indexes, outermost first. */
export type FieldPath = readonly (string | number)[];

/** Formats a path as `spec.sources[0].repoURL`. */
export function formatPath(path: FieldPath): string {
  let text = '';
  for (const seg of path) text += typeof seg === 'number' ? `[${seg}]` : text ? `.${seg}` : seg;
  return text;
}

/** The largest spec file read, in bytes (a spec is a few kilobytes; this refuses junk early). */
export const MAX_SPEC_BYTES = 4 * 1024 * 1024;
/** How many alias uses a document may expand (anchors shared a few times are fine; bombs are not). */
export const MAX_ALIAS_COUNT = 100;
/** The deepest nesting of mappings and lists a document may have. */
export const MAX_SPEC_DEPTH = 64;

/** The tags a spec may carry: YAML's core types, which plain YAML and JSON give implicitly. */
const CORE_TAGS = new Set(
  ['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((t) => `tag:yaml.org,2002:${t}`),
);

/** The `Kind/name` of a decoded document, or "" when it has no kind. */
function objectLabel(value: unknown): string {
  if (!isRecord(value) || typeof value.kind !== 'string') return '';
  const meta = value.metadata;
  const name = isRecord(meta) && typeof meta.name === 'string' && meta.name ? meta.name : '<unnamed>';
  return `${value.kind}/${name}`;
}

/** True for a plain object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A decoded document plus what is needed to report on it. A scoped view (see `scoped`) carries a
 * value generated from the document, such as an Application rendered from an ApplicationSet
 * template, and reports at the template field it came from.
 */
export class SpecDocument {
  readonly file: string;
  /** The decoded document, or the generated value of a scoped view. */
  readonly value: unknown;
  /** `Kind/name` used in messages. */
  readonly object: string;
  #doc: Document.Parsed;
  #lines: LineCounter;
  #prefix: FieldPath;
  #note: string;

  /** `value` is the decoded document (see `readSpecDocuments`), or a view's value. */
  constructor(
    file: string,
    doc: Document.Parsed,
    lines: LineCounter,
    value: unknown,
    view?: { object: string; prefix: FieldPath; note: string },
  ) {
    this.file = file;
    this.#doc = doc;
    this.#lines = lines;
    this.value = value;
    this.object = view ? view.object : objectLabel(value);
    this.#prefix = view?.prefix ?? [];
    this.#note = view?.note ?? '';
  }

  /** A view of `value` whose field paths are reported under `prefix` of this document. */
  scoped(value: unknown, prefix: FieldPath, note: string): SpecDocument {
    return new SpecDocument(this.file, this.#doc, this.#lines, value, {
      object: this.object,
      prefix: [...this.#prefix, ...prefix],
      note,
    });
  }

  /** A view of an object nested at `prefix` (a List item), named after that object. */
  item(value: unknown, prefix: FieldPath): SpecDocument {
    return new SpecDocument(this.file, this.#doc, this.#lines, value, {
      object: objectLabel(value),
      prefix: [...this.#prefix, ...prefix],
      note: '',
    });
  }

  /** The location of a field, or of its closest parent present in the file. */
  locate(path: FieldPath): SpecLocation {
    const full = [...this.#prefix, ...path];
    let node: unknown = this.#doc.contents;
    let offset = (node as Node | null)?.range?.[0] ?? 0;
    for (const seg of full) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
        if (!pair) break;
        offset = (pair.key as Node).range?.[0] ?? offset;
        node = pair.value;
      } else if (isSeq(node) && typeof seg === 'number') {
        const item = node.items[seg] as Node | undefined;
        if (!item) break;
        offset = item.range?.[0] ?? offset;
        node = item;
      } else break;
    }
    return {
      file: this.file,
      line: this.#lines.linePos(offset).line,
      object: this.object,
      field: formatPath(full),
    };
  }

  /** An error at a field; the problem states the current value and what is allowed. */
  error(path: FieldPath, problem: string): SpecError {
    return new SpecError(this.locate(path), problem + this.#note);
  }

  /** A warning at a field. Scoped views add no note, so one template field warns once. */
  warning(path: FieldPath, problem: string): SpecWarning {
    const location = this.locate(path);
    return { ...location, problem, message: formatSpecMessage(location, problem) };
  }
}

/**
 * Decodes the bytes of a spec file as UTF-8 text, refusing a file over `MAX_SPEC_BYTES` before
 * decoding it and any byte sequence that is not UTF-8. Control characters are refused by
 * `readSpecDocuments`.
 *
 * @throws {SpecSyntaxError} naming the file (and the line of the first invalid byte)
 */
export function decodeSpecFile(bytes: Uint8Array, file: string): string {
  checkSpecSize(bytes.byteLength, file);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const text = new TextDecoder('utf-8').decode(bytes);
    const at = text.indexOf('\ufffd');
    const line = text.slice(0, Math.max(at, 0)).split('\n').length;
    throw new SpecSyntaxError(
      { file, line },
      'is not UTF-8 text (binary data?): spec files must be UTF-8 YAML or JSON',
    );
  }
}

/**
 * Refuses a file of `size` bytes over `MAX_SPEC_BYTES`, so a caller can check before reading it.
 *
 * @throws {SpecSyntaxError} naming the file, its size and the limit
 */
export function checkSpecSize(size: number, file: string): void {
  if (size <= MAX_SPEC_BYTES) return;
  throw new SpecSyntaxError(
    { file, line: 1 },
    `is too large to be a spec: ${size} bytes, at most ${MAX_SPEC_BYTES} (4 MiB) are read; split it into several files`,
  );
}

/** Refuses control characters (NUL, ESC, BEL, ...) outside quoted escapes; YAML does not allow them either. */
function checkText(text: string, file: string): void {
  // eslint-disable-next-line no-control-regex
  const bad = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u0084\u0086-\u009f\ufffe\uffff]/.exec(text);
  if (!bad) return;
  const code = bad[0].charCodeAt(0);
  const line = text.slice(0, bad.index).split('\n').length;
  const what =
    code === 0
      ? 'a NUL byte (binary data?)'
      : `the control character U+${code.toString(16).padStart(4, '0').toUpperCase()}`;
  throw new SpecSyntaxError(
    { file, line },
    `contains ${what}: spec files must be plain text; write such a character as an escape in a double-quoted string`,
  );
}

/** Refuses tags other than the core ones, at the line of the first one. */
function checkTags(doc: Document.Parsed, lines: LineCounter, file: string): void {
  visit(doc, (_key, node) => {
    if (!isNode(node) || node.tag === undefined || CORE_TAGS.has(node.tag)) return;
    const shown = node.tag.replace(/^tag:yaml\.org,2002:/, '!!');
    throw new SpecSyntaxError(
      { file, line: lines.linePos(node.range?.[0] ?? 0).line },
      `cannot use the YAML tag ${JSON.stringify(shown)}: specs hold plain strings, numbers, booleans, lists and mappings`,
    );
  });
}

/** The depth of the deepest list or mapping of a decoded value, without recursion. */
function depthOf(value: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop() as [unknown, number];
    if (typeof item !== 'object' || item === null) continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > MAX_SPEC_DEPTH) return deepest;
    for (const child of Object.values(item)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/** Decodes a parsed document, refusing alias bombs and deep nesting. */
function decode(doc: Document.Parsed, lines: LineCounter, file: string): unknown {
  const line = lines.linePos(doc.contents?.range?.[0] ?? 0).line;
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    if (err instanceof ReferenceError && /alias/i.test(err.message))
      throw new SpecSyntaxError(
        { file, line },
        `cannot read YAML: its aliases expand to too many values (more than ${MAX_ALIAS_COUNT} uses of an alias), as in a "billion laughs" attack; write the values out`,
      );
    if (err instanceof RangeError) throw tooDeep(file, line);
    throw err;
  }
  if (depthOf(value) > MAX_SPEC_DEPTH) throw tooDeep(file, line);
  return value;
}

function tooDeep(file: string, line: number): SpecSyntaxError {
  return new SpecSyntaxError(
    { file, line },
    `cannot read YAML: mappings and lists are nested more than ${MAX_SPEC_DEPTH} levels deep`,
  );
}

/**
 * Splits a multi-document YAML stream into documents, skipping empty ones (`---` with nothing). A
 * `v1` `List` yields one document per item, reported at `items[<index>]`.
 *
 * @throws {SpecSyntaxError} for text that is too large, not plain text, or not acceptable YAML
 * @throws {SpecError} for a document that is not a mapping, or a List item that is not one
 */
export function readSpecDocuments(text: string, file: string): SpecDocument[] {
  checkSpecSize(text.length, file);
  checkText(text, file);
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (!Array.isArray(docs)) return [];
  const out: SpecDocument[] = [];
  for (const doc of docs) {
    const bad = doc.errors[0];
    if (bad) {
      const line = lines.linePos(bad.pos[0]).line;
      if (bad.code === 'RESOURCE_EXHAUSTION' && /call stack/.test(bad.message)) throw tooDeep(file, line);
      // Not the parser's error as cause, nor its raw message: they can quote a Secret's data.
      throw new SpecSyntaxError({ file, line }, `cannot parse YAML: ${yamlReason(bad).replace(/\.$/, '')}`);
    }
    if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) continue;
    checkTags(doc, lines, file);
    const spec = new SpecDocument(file, doc, lines, decode(doc, lines, file));
    if (!isRecord(spec.value)) throw spec.error([], 'document must be a mapping with apiVersion and kind');
    if (spec.value.apiVersion === 'v1' && spec.value.kind === 'List') out.push(...listItems(spec));
    else out.push(spec);
  }
  return out;
}

/** The items of a `v1` `List` document, each a view reported at `items[<index>]`. */
function listItems(list: SpecDocument): SpecDocument[] {
  const items = (list.value as { items?: unknown }).items;
  if (!Array.isArray(items)) throw list.error(['items'], 'must be a list of Applications or ApplicationSets');
  return items.map((item, i) => {
    if (!isRecord(item))
      throw list.error(
        ['items', i],
        'must be a mapping with apiVersion and kind (an Application or ApplicationSet)',
      );
    return list.item(item, ['items', i]);
  });
}
