/** Spec errors and warnings, each pointing at a file, a line, an object and a field. */

/** Where a problem sits: `<file>:<line>: <Kind>/<name>: <field>`. */
export interface SpecLocation {
  /** The file as the caller named it. */
  file: string;
  /** 1-based line of the field (or of its closest existing parent). */
  line: number;
  /** `Kind/name`, or "" when the document has no readable kind or name yet. */
  object: string;
  /** Dotted field path with `[i]` indexes, e.g. `spec.syncPolicy.syncOptions[1]`; "" for the document. */
  field: string;
}

/** A non-fatal finding: a field Mooring ignores or interprets differently from Argo CD. */
export interface SpecWarning extends SpecLocation {
  /** The problem alone, without the location. */
  problem: string;
  /** The full text: `<file>:<line>: <Kind>/<name>: <field>: <problem>`. */
  message: string;
}

/**
 * Control characters a terminal would act on: C0 (but tab and newline), DEL, C1, and the Unicode
 * bidirectional overrides and isolates that reorder what is shown ("Trojan Source").
 */
// eslint-disable-next-line no-control-regex
const TERMINAL_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Replaces the characters a terminal would interpret (escape sequences, OSC 8 hyperlinks, carriage
 * returns, bells, bidi overrides) with visible escapes such as `\x1b` or `\u202e`, so text taken
 * from a spec can be printed without acting on the terminal. Tabs and newlines are kept.
 *
 * @example escapeControlCharacters('\x1b[31mred') // '\\x1b[31mred'
 */
export function escapeControlCharacters(text: string): string {
  return text.replace(TERMINAL_CONTROL, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16)}`;
  });
}

/**
 * Formats a location and a problem as `<file>:<line>: <Kind>/<name>: <field>: <problem>`. Every
 * part can come from the spec, so control characters are escaped (see `escapeControlCharacters`).
 */
export function formatSpecMessage(location: SpecLocation, problem: string): string {
  const parts = [`${location.file}:${location.line}`];
  if (location.object) parts.push(location.object);
  if (location.field) parts.push(location.field);
  parts.push(problem);
  return escapeControlCharacters(parts.join(': '));
}

/** A spec with the wrong shape or a value out of range (a TypeError, as for any wrong shape). */
export class SpecError extends TypeError implements SpecLocation {
  readonly file: string;
  readonly line: number;
  readonly object: string;
  readonly field: string;
  readonly problem: string;
  constructor(location: SpecLocation, problem: string, options?: ErrorOptions) {
    super(formatSpecMessage(location, problem), options);
    this.name = 'SpecError';
    this.file = location.file;
    this.line = location.line;
    this.object = location.object;
    this.field = location.field;
    this.problem = problem;
  }
}

/** A spec file that is not parsable YAML (a SyntaxError, as for any unparsable text). */
export class SpecSyntaxError extends SyntaxError implements SpecLocation {
  readonly file: string;
  readonly line: number;
  readonly object = '';
  readonly field = '';
  readonly problem: string;
  constructor(location: Pick<SpecLocation, 'file' | 'line'>, problem: string, options?: ErrorOptions) {
    super(formatSpecMessage({ ...location, object: '', field: '' }, problem), options);
    this.name = 'SpecSyntaxError';
    this.file = location.file;
    this.line = location.line;
    this.problem = problem;
  }
}
