/**
 * Runs an ajv schema over a document and turns the first failure into a located SpecError. Besides
 * the JSON Schema keywords, schemas may use `durationRange: { min, max }` on a duration string and
 * `jqPath: true` on a jq path expression (Argo CD `jqPathExpressions`).
 */
import { Ajv, type ErrorObject, type SchemaValidateFunction, type ValidateFunction } from 'ajv';
import { durationRangeProblem, type DurationRange } from './duration.js';
import type { FieldPath, SpecDocument } from './spec-document.js';

const ajv = new Ajv({
  useDefaults: true,
  verbose: true,
  allowUnionTypes: true,
  strict: true,
  allErrors: true,
});
const compiled = new WeakMap<object, ValidateFunction>();

/** An ajv keyword whose check returns the problem in words, or undefined when the value is fine. */
function addProblemKeyword<S>(
  keyword: string,
  problem: (schema: S, data: string) => string | undefined,
): void {
  const validate: SchemaValidateFunction = (schema: S, data: string) => {
    const found = problem(schema, data);
    validate.errors = found ? [{ keyword, message: found, params: { problem: found } }] : [];
    return found === undefined;
  };
  ajv.addKeyword({ keyword, type: 'string', errors: true, validate });
}

addProblemKeyword('durationRange', (range: DurationRange, data) => durationRangeProblem(data, range));
addProblemKeyword('jqPath', (on: boolean, data) => (on ? jqPathProblem(data) : undefined));

const CLOSING: Readonly<Record<string, string>> = { '(': ')', '[': ']', '{': '}' };

/**
 * Why `expression` cannot be a jq path expression (the first syntax problem found), or undefined.
 * Mooring does not evaluate jq; this refuses what jq could never parse, so the mistake is reported
 * at apply time rather than ignored at every diff: a path starts with ".", brackets and string
 * literals are closed, and no pipe stage is empty.
 */
export function jqPathProblem(expression: string): string | undefined {
  const text = expression.trim();
  if (!text.startsWith('.')) return 'must be a jq path expression starting with "."';
  const open: string[] = [];
  let stage = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (c === '"') {
      const end = /^"(?:[^"\\]|\\.)*"/.exec(text.slice(i));
      if (!end) return `cannot parse as jq: the string starting at character ${i + 1} is not closed`;
      i += end[0].length - 1;
      stage += 's';
    } else if (CLOSING[c]) {
      open.push(CLOSING[c]);
    } else if (c === ')' || c === ']' || c === '}') {
      if (open.pop() !== c) return `cannot parse as jq: unexpected "${c}" at character ${i + 1}`;
    } else if (c === '|' && open.length === 0 && text.charAt(i + 1) !== '=') {
      if (!stage.trim()) return `cannot parse as jq: empty pipe stage before character ${i + 1}`;
      stage = '';
    } else stage += c;
  }
  if (open.length > 0)
    return `cannot parse as jq: ${open.length} bracket(s) not closed, expected "${open.reverse().join('')}"`;
  if (!stage.trim()) return 'cannot parse as jq: the expression ends with "|"';
  return undefined;
}

/**
 * Validates `value` (filling in schema defaults in place) and throws a SpecError naming the field,
 * its line in `doc`, the current value and what is allowed.
 */
export function checkSchema(doc: SpecDocument, schema: object, value: unknown): void {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  if (validate(value)) return;
  // An unknown field is reported before anything else: it is usually a misspelt one, and the
  // field it should have been is then reported missing.
  const errors = validate.errors ?? [];
  const first = errors.find((e) => e.keyword === 'additionalProperties') ?? errors[0];
  if (!first) return;
  const { path, problem } = describeError(first);
  throw doc.error(path, problem);
}

/** Shows a value in a message: strings quoted, long values cut. */
function showValue(value: unknown): string {
  const shown = JSON.stringify(value) ?? String(value);
  return shown.length > 60 ? `${shown.slice(0, 57)}...` : shown;
}

function pointerToPath(pointer: string): (string | number)[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => {
      const seg = s.replace(/~1/g, '/').replace(/~0/g, '~');
      return /^(0|[1-9][0-9]*)$/.test(seg) ? Number(seg) : seg;
    });
}

function describeError(err: ErrorObject): { path: FieldPath; problem: string } {
  const path = pointerToPath(err.instancePath);
  const params = err.params as Record<string, unknown>;
  const parent = (err.parentSchema ?? {}) as { description?: string; properties?: Record<string, unknown> };
  const current = `current value is ${showValue(err.data)}`;
  switch (err.keyword) {
    case 'required':
      return { path: [...path, String(params.missingProperty)], problem: 'is required' };
    case 'additionalProperties': {
      const allowed = Object.keys(parent.properties ?? {})
        .map((k) => `"${k}"`)
        .join(', ');
      return {
        path: [...path, String(params.additionalProperty)],
        problem: `unknown field: allowed fields are ${allowed}`,
      };
    }
    case 'type': {
      const wanted = String(params.type)
        .split(',')
        .map((t) => (t === 'object' ? 'a mapping' : t === 'array' ? 'a list' : `a ${t}`));
      return { path, problem: `must be ${wanted.join(' or ')}: ${current}` };
    }
    case 'const':
      return { path, problem: `must be ${showValue(params.allowedValue)}: ${current}` };
    case 'enum':
      return {
        path,
        problem: `must be one of ${(params.allowedValues as unknown[]).map(showValue).join(', ')}: ${current}`,
      };
    case 'pattern':
      return {
        path,
        problem: `must be ${parent.description ?? `text matching ${String(params.pattern)}`}: ${current}`,
      };
    case 'minLength':
      return {
        path,
        problem:
          params.limit === 1
            ? 'must not be empty'
            : `must have at least ${String(params.limit)} characters: ${current}`,
      };
    case 'maxLength':
      return { path, problem: `must have at most ${String(params.limit)} characters: ${current}` };
    case 'durationRange':
    case 'jqPath':
      return { path, problem: `${String(params.problem)}: ${current}` };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { path, problem: `must be ${String(params.comparison)} ${String(params.limit)}: ${current}` };
    default:
      return { path, problem: `${err.message ?? 'is invalid'}: ${current}` };
  }
}
