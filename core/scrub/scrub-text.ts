/**
 * Scrubbing of failure messages before they leave an activity (Temporal history, logs, status).
 * Pure: text in, text out; it never sees or keeps the objects the messages are about.
 *
 * Rules, applied in order by `scrubText` to any message (tool stderr, API server, parser):
 * 1. known secret values (the caller's list, e.g. a Secret's decoded data) are masked wherever
 *    they appear, longest first;
 * 2. the userinfo of `scheme://user:token@host` URLs is removed;
 * 3. the values of Go map dumps of `data` / `stringData` (`data:map[password:c2Vj]`, as kustomize
 *    prints objects) are masked;
 * 4. long random-looking tokens (base64, base64url, JWT parts: 24+ characters mixing upper case,
 *    lower case and digits, not a path of words) are masked.
 * `scrubKubeMessage` and `yamlErrorReason` add the rules of their sources first. The mask is `***`.
 */
import { REDACTED, redactText } from '../git/redact.js';

/** Options of `scrubText`. */
export interface ScrubOptions {
  /** Values to mask wherever they appear; values shorter than 4 characters are ignored. @default [] */
  secretValues?: readonly string[];
}

const GO_DATA_MAP = /\b(data|stringData|binaryData):map\[([^\]]*)\]/g;
const TOKEN = /[A-Za-z0-9+/_-]{24,}={0,2}/g;

/** Applies the rules of the module comment to `text`. */
export function scrubText(text: string, options: ScrubOptions = {}): string {
  return redactText(text, { secrets: options.secretValues ?? [] })
    .replace(GO_DATA_MAP, (_all, field: string, body: string) => `${field}:map[${maskGoMapValues(body)}]`)
    .replace(TOKEN, (token) => (looksRandom(token) ? REDACTED : token));
}

/** `a:x b:y` (Go's map formatting) with every value masked, keys kept. */
function maskGoMapValues(body: string): string {
  return body
    .split(' ')
    .map((pair) => {
      const colon = pair.indexOf(':');
      return colon < 0 ? pair : `${pair.slice(0, colon)}:${REDACTED}`;
    })
    .join(' ');
}

/**
 * A token mixing upper case, lower case and digits, unless it is a path with a lower-case word
 * segment (`charts/Web2/templates`): hex digests (lower case only) and Kubernetes names stay.
 */
function looksRandom(token: string): boolean {
  if (!/[A-Z]/.test(token) || !/[a-z]/.test(token) || !/[0-9]/.test(token)) return false;
  return !token.split('/').some((segment) => /^[a-z]{3,}$/.test(segment));
}
