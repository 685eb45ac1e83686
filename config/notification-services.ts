/**
 * One entry of a notifications file's `spec.services`: its key says the type and the name
 * (`slack`, `slack.<name>`, `webhook.<name>`, as Argo CD's `service.<type>.<name>`), its value is
 * checked by the type's schema, and the secret files it names are read. A Slack webhook URL is a
 * credential and only a file may hold it; a file's content is never quoted in an error.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { redactUrl } from './redact-url.js';
import {
  SERVICE_KEY_PATTERN,
  SERVICE_NAME_PATTERN,
  SLACK_SERVICE_SCHEMA,
  WEBHOOK_SERVICE_SCHEMA,
} from './notifications-schema.js';
import type { NotificationService, WebhookHeader } from './notifications-types.js';
import { checkSchema } from './schema-check.js';
import type { FieldPath, SpecDocument } from './spec-document.js';
import type { SpecWarning } from './spec-error.js';

/** Reads a secret file (relative paths resolve from the config file's folder). */
export type ReadSecretFile = (path: string) => string;

/**
 * The service of `spec.services.<key>`; a warning is added for a webhook over plain http.
 *
 * @throws {SpecError} naming the field of the first problem
 */
export function readNotificationService(
  doc: SpecDocument,
  key: string,
  value: Record<string, unknown>,
  readText: ReadSecretFile,
  warnings: SpecWarning[],
): NotificationService {
  const path: FieldPath = ['spec', 'services', key];
  const match = SERVICE_KEY_PATTERN.exec(key);
  if (!match)
    throw doc.error(
      path,
      'unknown service: keys are "slack", "slack.<name>" or "webhook.<name>" (as Argo CD\'s service.<type>.<name>)',
    );
  const type = match[1] as 'slack' | 'webhook';
  const name = match[2] ?? type;
  if (type === 'webhook' && match[2] === undefined)
    throw doc.error(path, 'a webhook needs a name: write "webhook.<name>", the name apps subscribe with');
  if (!new RegExp(SERVICE_NAME_PATTERN).test(name) || name.length > 63)
    throw doc.error(
      path,
      `"${name}" is not a service name: use letters, digits, "-" and "_", at most 63 characters`,
    );
  if (type === 'slack') {
    if (value.url !== undefined)
      throw doc.error(
        [...path, 'url'],
        'a Slack webhook URL is a credential: put it in a file (a mounted Secret) and name that file in urlFile',
      );
    checkSchema(doc.scoped(value, path, ''), SLACK_SERVICE_SCHEMA, value);
    const raw = value as { urlFile: string; username?: string; iconEmoji?: string };
    const url = readUrl(
      doc,
      [...path, 'urlFile'],
      readSecret(doc, [...path, 'urlFile'], raw.urlFile, readText),
    );
    return { type, name, url, username: raw.username, iconEmoji: raw.iconEmoji };
  }
  checkSchema(doc.scoped(value, path, ''), WEBHOOK_SERVICE_SCHEMA, value);
  const raw = value as {
    url?: string;
    urlFile?: string;
    hmacSecretFile?: string;
    headers: { name: string; value?: string; valueFile?: string }[];
  };
  if ((raw.url === undefined) === (raw.urlFile === undefined))
    throw doc.error(
      path,
      'must set exactly one of "url" and "urlFile" (use urlFile when the URL holds a token)',
    );
  let url: string;
  if (raw.url !== undefined) {
    url = readUrl(doc, [...path, 'url'], raw.url, true);
    if (redactUrl(url) !== url)
      throw doc.error(
        [...path, 'url'],
        'holds credentials (userinfo or a token parameter): move the URL to a file and name it in urlFile',
      );
  } else
    url = readUrl(
      doc,
      [...path, 'urlFile'],
      readSecret(doc, [...path, 'urlFile'], raw.urlFile ?? '', readText),
    );
  if (new URL(url).protocol === 'http:' && !isLoopback(new URL(url).hostname))
    warnings.push(doc.warning(path, 'posts over plain http: the body and signature travel unencrypted'));
  const headers = raw.headers.map((h, i): WebhookHeader => {
    const at: FieldPath = [...path, 'headers', i];
    if ((h.value === undefined) === (h.valueFile === undefined))
      throw doc.error(at, 'must set exactly one of "value" and "valueFile"');
    const text = h.value ?? readSecret(doc, [...at, 'valueFile'], h.valueFile ?? '', readText);
    if (/[\r\n]/.test(text)) throw doc.error([...at, 'valueFile'], 'holds more than one line');
    return { name: h.name, value: text, secret: h.valueFile !== undefined };
  });
  const hmacSecret =
    raw.hmacSecretFile === undefined
      ? undefined
      : readSecret(doc, [...path, 'hmacSecretFile'], raw.hmacSecretFile, readText);
  if (hmacSecret !== undefined && hmacSecret.length < 16)
    throw doc.error(
      [...path, 'hmacSecretFile'],
      'holds a key shorter than 16 characters: use a random key of 32 bytes or more',
    );
  return { type, name, url, hmacSecret, headers };
}

/** The trimmed content of a secret file; never quoted in errors. */
function readSecret(doc: SpecDocument, path: FieldPath, name: string, readText: ReadSecretFile): string {
  const file = isAbsolute(name) ? name : resolve(dirname(doc.file), name);
  let text: string;
  try {
    text = readText(file);
  } catch (err) {
    throw doc.error(path, `cannot read ${file}: ${(err as Error).message}`);
  }
  const value = text.trim();
  if (value === '') throw doc.error(path, `${file} is empty`);
  return value;
}

/** Checks an http(s) URL; only an inline one (`shown`) may be quoted, redacted, in the error. */
function readUrl(doc: SpecDocument, path: FieldPath, text: string, shown = false): string {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (url?.protocol === 'http:' || url?.protocol === 'https:') return text;
  throw doc.error(
    path,
    shown
      ? `must be an http or https URL: current value is ${JSON.stringify(redactUrl(text))}`
      : 'the file does not hold an http or https URL',
  );
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || /^127\./.test(host);
}
