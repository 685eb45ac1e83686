/**
 * Redaction of Git URLs and command output, pure. Every message that leaves the Git layer (errors,
 * logs) passes through `redactText`, and the CLI names repositories with `redactUrl`, so a token
 * typed into a repo URL (as userinfo or as a query parameter) or handed to git never shows up.
 */
import { REDACTED, maskSecretParams, stripUserinfo } from '../../config/redact-url.js';

export { REDACTED, isSecretParam, redactUrl } from '../../config/redact-url.js';

/** Options of {@link redactText}. */
export interface RedactOptions {
  /** Secret values (tokens) to mask wherever they appear. @default [] */
  secrets?: readonly string[];
}

/**
 * Returns `text` with the userinfo of every `scheme://` URL in it removed, credential-like query
 * parameter values masked, and every given secret replaced by `***`. Secrets shorter than 4
 * characters are ignored (they would mask ordinary words).
 */
export function redactText(text: string, options: RedactOptions = {}): string {
  let out = maskSecretParams(stripUserinfo(text));
  const secrets = [...(options.secrets ?? [])]
    .filter((s) => s.length >= 4)
    .sort((a, b) => b.length - a.length);
  for (const secret of secrets) out = out.split(secret).join(REDACTED);
  return out;
}
