/**
 * A small, safe evaluator for the subset of Go templates that ApplicationSets use with
 * `goTemplate: true`: field references (`{{ .path.basename }}`), string, number and boolean
 * literals, parentheses, pipes and the functions in `GO_TEMPLATE_FUNCTIONS`. Control structures,
 * variables and other functions are refused with a TemplateError, never guessed at.
 */

/** A template Mooring cannot evaluate, or one that refers to a missing value. */
export class TemplateError extends SyntaxError {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

type Token =
  | { kind: 'lit'; value: unknown }
  | { kind: 'field'; path: string[]; text: string }
  | { kind: 'ident' | 'pipe' | 'open' | 'close'; text: string };
type Fn = (...args: unknown[]) => unknown;

const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));
const isEmpty = (v: unknown): boolean =>
  v === undefined ||
  v === null ||
  v === '' ||
  v === 0 ||
  v === false ||
  (Array.isArray(v) && v.length === 0) ||
  (typeof v === 'object' && v !== null && Object.keys(v).length === 0);

/** The functions available in Go templates (Sprig semantics: the piped value is the last argument). */
export const GO_TEMPLATE_FUNCTIONS: Readonly<Record<string, Fn>> = {
  lower: (s) => str(s).toLowerCase(),
  upper: (s) => str(s).toUpperCase(),
  trim: (s) => str(s).trim(),
  trimPrefix: (p, s) => (str(s).startsWith(str(p)) ? str(s).slice(str(p).length) : str(s)),
  trimSuffix: (p, s) => (str(s).endsWith(str(p)) && str(p) ? str(s).slice(0, -str(p).length) : str(s)),
  replace: (from, to, s) => str(s).split(str(from)).join(str(to)),
  trunc: (n, s) => (Number(n) >= 0 ? str(s).slice(0, Number(n)) : str(s).slice(Number(n))),
  default: (fallback, given) => (isEmpty(given) ? fallback : given),
  quote: (s) => JSON.stringify(str(s)),
  join: (sep, list) => (Array.isArray(list) ? list.map(str).join(str(sep)) : str(list)),
  index: (collection, ...keys) =>
    keys.reduce<unknown>(
      (c, k) => (c === null || typeof c !== 'object' ? undefined : (c as Record<string, unknown>)[str(k)]),
      collection,
    ),
  printf: (format, ...args) => {
    let i = 0;
    return str(format).replace(/%([%sdv])/g, (m, verb: string) => (verb === '%' ? '%' : str(args[i++])));
  },
};

const KEYWORDS = new Set([
  'if',
  'else',
  'end',
  'range',
  'with',
  'define',
  'template',
  'block',
  'break',
  'continue',
]);

function lexAction(src: string, start: number): { tokens: Token[]; end: number; trimRight: boolean } {
  const tokens: Token[] = [];
  let i = start;
  for (;;) {
    const before = i;
    while (i < src.length && /\s/.test(src[i] ?? '')) i++;
    if (i >= src.length)
      throw new TemplateError(`unclosed action "${src.slice(start - 2, start + 20)}": expected "}}"`);
    if (src.startsWith('-}}', i) && i > before) return { tokens, end: i + 3, trimRight: true };
    if (src.startsWith('}}', i)) return { tokens, end: i + 2, trimRight: false };
    const rest = src.slice(i);
    const m =
      /^"(?:[^"\\]|\\.)*"/.exec(rest) ??
      /^`[^`]*`/.exec(rest) ??
      /^-?[0-9]+(?:\.[0-9]+)?/.exec(rest) ??
      /^\.(?:[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)?/.exec(rest) ??
      /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest) ??
      /^[|()]/.exec(rest);
    if (!m)
      throw new TemplateError(
        `unsupported template syntax at "${rest.slice(0, 20)}": variables, comments and assignments are not supported`,
      );
    const t = m[0];
    i += t.length;
    if (t.startsWith('"')) tokens.push({ kind: 'lit', value: parseQuoted(t) });
    else if (t.startsWith('`')) tokens.push({ kind: 'lit', value: t.slice(1, -1) });
    else if (/^-?[0-9]/.test(t)) tokens.push({ kind: 'lit', value: Number(t) });
    else if (t.startsWith('.')) tokens.push({ kind: 'field', path: t.split('.').filter(Boolean), text: t });
    else if (t === '|') tokens.push({ kind: 'pipe', text: t });
    else if (t === '(' || t === ')') tokens.push({ kind: t === '(' ? 'open' : 'close', text: t });
    else if (t === 'true' || t === 'false') tokens.push({ kind: 'lit', value: t === 'true' });
    else tokens.push({ kind: 'ident', text: t });
  }
}

function parseQuoted(literal: string): string {
  try {
    return JSON.parse(literal) as string;
  } catch {
    throw new TemplateError(`unsupported escape in string ${literal}`);
  }
}

class Evaluator {
  #tokens: Token[];
  #pos = 0;
  #data: unknown;
  constructor(tokens: Token[], data: unknown) {
    this.#tokens = tokens;
    this.#data = data;
  }

  run(): unknown {
    const value = this.#pipeline();
    if (this.#pos < this.#tokens.length)
      throw new TemplateError(`unexpected "${describe(this.#tokens[this.#pos])}"`);
    return value;
  }

  #pipeline(): unknown {
    let acc: unknown;
    let first = true;
    for (;;) {
      const head = this.#tokens[this.#pos];
      if (!head || head.kind === 'pipe' || head.kind === 'close')
        throw new TemplateError('empty command in pipeline');
      const args: unknown[] = [];
      if (head.kind === 'ident') this.#pos++;
      while (
        this.#pos < this.#tokens.length &&
        !['pipe', 'close'].includes(this.#tokens[this.#pos]?.kind ?? '')
      )
        args.push(this.#operand());
      if (head.kind === 'ident') {
        const fn = Object.hasOwn(GO_TEMPLATE_FUNCTIONS, head.text)
          ? GO_TEMPLATE_FUNCTIONS[head.text]
          : undefined;
        if (!fn)
          throw new TemplateError(
            `unsupported function "${head.text}": supported functions are ${Object.keys(GO_TEMPLATE_FUNCTIONS).join(', ')}`,
          );
        acc = fn(...args, ...(first ? [] : [acc]));
      } else {
        if (args.length !== 1 || !first)
          throw new TemplateError(`"${describe(head)}" is not a function and takes no arguments`);
        acc = args[0];
      }
      first = false;
      if (this.#tokens[this.#pos]?.kind !== 'pipe') return acc;
      this.#pos++;
    }
  }

  #operand(): unknown {
    const token = this.#tokens[this.#pos++];
    if (!token) throw new TemplateError('missing operand');
    if (token.kind === 'lit') return token.value;
    if (token.kind === 'field')
      return token.path.reduce<unknown>(
        (c, k) => (c !== null && typeof c === 'object' ? (c as Record<string, unknown>)[k] : undefined),
        this.#data,
      );
    if (token.kind === 'open') {
      const value = this.#pipeline();
      if (this.#tokens[this.#pos++]?.kind !== 'close') throw new TemplateError('missing ")"');
      return value;
    }
    throw new TemplateError(`unexpected "${describe(token)}" as an argument`);
  }
}

function describe(token: Token | undefined): string {
  if (!token) return 'end';
  return token.kind === 'lit' ? String(token.value) : token.text;
}

/**
 * Renders `text` against `data`. A value that is missing, or is a mapping or a list, is an error
 * rather than Go's `<no value>` or `map[...]` text.
 *
 * @throws {TemplateError} on unsupported syntax or a missing value
 */
export function renderGoTemplate(text: string, data: unknown): string {
  let out = '';
  let i = 0;
  let trimNext = false;
  while (i < text.length) {
    const open = text.indexOf('{{', i);
    let chunk = text.slice(i, open < 0 ? text.length : open);
    if (trimNext) chunk = chunk.trimStart();
    if (open < 0) return out + chunk;
    const trimLeft = /^\{\{-\s/.test(text.slice(open, open + 4));
    out += trimLeft ? chunk.trimEnd() : chunk;
    const start = open + (trimLeft ? 3 : 2);
    const { tokens, end, trimRight } = lexAction(text, start);
    const source = text.slice(open, end);
    const head = tokens[0];
    if (head?.kind === 'ident' && KEYWORDS.has(head.text)) {
      throw new TemplateError(
        `unsupported template syntax "${source}": "${head.text}" blocks are not supported`,
      );
    }
    if (tokens.length === 0) throw new TemplateError(`empty action "${source}"`);
    const value = new Evaluator(tokens, data).run();
    if (value === undefined || value === null) throw new TemplateError(`${source} has no value`);
    if (typeof value === 'object')
      throw new TemplateError(`${source} is a ${Array.isArray(value) ? 'list' : 'mapping'}, not a value`);
    out += String(value);
    i = end;
    trimNext = trimRight;
  }
  return out;
}
