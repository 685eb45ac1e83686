/** One YAML document of a spec file, able to point at the line of any of its fields. */
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node } from 'yaml';
import {
  SpecError,
  SpecSyntaxError,
  formatSpecMessage,
  type SpecLocation,
  type SpecWarning,
} from './spec-error.js';

/** A field path: object keys and array indexes, outermost first. */
export type FieldPath = readonly (string | number)[];

/** Formats a path as `spec.sources[0].repoURL`. */
export function formatPath(path: FieldPath): string {
  let text = '';
  for (const seg of path) text += typeof seg === 'number' ? `[${seg}]` : text ? `.${seg}` : seg;
  return text;
}

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

  constructor(
    file: string,
    doc: Document.Parsed,
    lines: LineCounter,
    view?: { value: unknown; object: string; prefix: FieldPath; note: string },
  ) {
    this.file = file;
    this.#doc = doc;
    this.#lines = lines;
    this.value = view ? view.value : doc.toJS();
    this.object = view ? view.object : objectLabel(this.value);
    this.#prefix = view?.prefix ?? [];
    this.#note = view?.note ?? '';
  }

  /** A view of `value` whose field paths are reported under `prefix` of this document. */
  scoped(value: unknown, prefix: FieldPath, note: string): SpecDocument {
    return new SpecDocument(this.file, this.#doc, this.#lines, {
      value,
      object: this.object,
      prefix: [...this.#prefix, ...prefix],
      note,
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

/** Splits a multi-document YAML stream into documents, skipping empty ones (`---` with nothing). */
export function readSpecDocuments(text: string, file: string): SpecDocument[] {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false });
  if (!Array.isArray(docs)) return [];
  const out: SpecDocument[] = [];
  for (const doc of docs) {
    const bad = doc.errors[0];
    if (bad) {
      const line = lines.linePos(bad.pos[0]).line;
      throw new SpecSyntaxError({ file, line }, `cannot parse YAML: ${bad.message.replace(/\.$/, '')}`, {
        cause: bad,
      });
    }
    if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) continue;
    const spec = new SpecDocument(file, doc, lines);
    if (!isRecord(spec.value)) throw spec.error([], 'document must be a mapping with apiVersion and kind');
    out.push(spec);
  }
  return out;
}
