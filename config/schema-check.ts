/** Runs an ajv schema over a document and turns the first failure into a located SpecError. */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { FieldPath, SpecDocument } from './spec-document.js';

const ajv = new Ajv({ useDefaults: true, verbose: true, allowUnionTypes: true, strict: true });
const compiled = new WeakMap<object, ValidateFunction>();

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
  const first = validate.errors?.[0];
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
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { path, problem: `must be ${String(params.comparison)} ${String(params.limit)}: ${current}` };
    default:
      return { path, problem: `${err.message ?? 'is invalid'}: ${current}` };
  }
}
