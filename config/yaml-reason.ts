/**
 * The reason of a YAML parser error, safe to show: the `yaml` library puts a code frame (the
 * source line and a caret) after the first line of its messages, and a few messages quote source
 * text themselves (escape sequences, unresolved scalars and aliases, tags, block scalar headers).
 * Inside a Secret that text is the secret, and a broken document cannot be trusted to say its own
 * kind, so frames and quoted source are always dropped; the line and column stay. Callers must not
 * attach the parser's error as a cause (its message and stack hold the frame). Lives in config/ so
 * spec parsing can use it; `core/scrub/yaml-error.ts` adds the general scrubbing rules.
 */

/** Messages that end with source text, up to the position. */
const ECHOES_SOURCE =
  /\b(Invalid escape sequence|Unresolved plain scalar|Unresolved alias[^:]*:|Unresolved tag:|Could not resolve tag:|Not a valid tag:|must not include duplicate keys:|header includes extra characters:|Plain value cannot start with)\s+.*?(?=( at line \d+, column \d+)?$)/;

/** The first line of a YAML error message, without code frame or quoted source (`***` instead). */
export function yamlReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const first = (message.split('\n')[0] ?? '').replace(/:\s*$/, '').trim();
  return first.replace(ECHOES_SOURCE, (_all, label: string) => `${label} ***`);
}
