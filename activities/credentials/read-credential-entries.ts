/**
 * Reads a credentials file (Git's, Helm's): a YAML or JSON list of entries, validated by the
 * caller. The file holds secrets or the names of files with them, so a parse error reports only
 * its position, never the parser's message (which quotes the offending line).
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml, type YAMLParseError } from 'yaml';

/** The entries of the file at `path` (none for an empty file); `what` names it in errors ("git credentials"). */
export function readCredentialEntries(path: string, what: string): unknown[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new Error(`Cannot read ${what} file "${path}": ${code}`, { cause: error });
  }
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (error) {
    const { code, linePos } = error as YAMLParseError;
    // eslint-disable-next-line preserve-caught-error -- the cause would carry the quoted line
    throw new SyntaxError(
      `Cannot parse ${what} file "${path}": ${code ?? 'invalid YAML'} at line ${linePos?.[0].line ?? '?'}`,
    );
  }
  if (data === null || data === undefined) return [];
  if (!Array.isArray(data))
    throw new TypeError(
      `Cannot read ${what} file "${path}": expected a list of entries, found ${typeof data}`,
    );
  return data;
}
