/**
 * Scrubbing of Kubernetes API server messages. About a Secret, validation, typed-patch and
 * admission messages echo values (`data[k]: Invalid value: "..."`, `.data.k: expected string, got
 * &value.valueUnstructured{Value:123}`), so every quoted string is masked except the names that
 * follow a kind or resource word (`Secret "db"`, `namespaces "shop"`, `webhook "policy.example"`),
 * and every unquoted value after `Invalid value:` and the like. Field paths and reasons stay, so
 * the message still says what is wrong where. Then `scrubText` runs, for every kind.
 */
import { REDACTED } from '../git/redact.js';
import { scrubText, type ScrubOptions } from './scrub-text.js';

/** Options of `scrubKubeMessage`. */
export interface KubeScrubOptions extends ScrubOptions {
  /** The message is about a Secret: mask the values it quotes. @default false */
  secret?: boolean;
}

/** Words after which a quoted string is a name, not a value. */
const NAME_BEFORE =
  /(?:\b(?:Secrets?|secrets?|namespaces?|Namespace|webhook|manager|with|kind|Kind|version|resource)\s*)$/;
const QUOTED = /"(?:[^"\\]|\\.)*"/g;
const UNQUOTED_VALUE = /\b(Invalid value|Unsupported value|Duplicate value|Not found): (?!")([^:;\]\n]+)/g;
const GO_VALUE = /&value\.valueUnstructured\{Value:[^\n;]*/g;

/** Returns the API server `message` with the values it echoes masked (see the module comment). */
export function scrubKubeMessage(message: string, options: KubeScrubOptions = {}): string {
  let text = message;
  if (options.secret) {
    text = text
      .replace(GO_VALUE, REDACTED)
      .replace(QUOTED, (quoted, offset: number, whole: string) =>
        NAME_BEFORE.test(whole.slice(Math.max(0, offset - 24), offset)) ? quoted : `"${REDACTED}"`,
      )
      .replace(UNQUOTED_VALUE, (_all, label: string) => `${label}: ${REDACTED}`);
  }
  return scrubText(text, options);
}
