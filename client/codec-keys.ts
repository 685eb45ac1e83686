/**
 * The AES-256 keys of the payload codec, from the operator's configuration. Keys have ids so they
 * can rotate: the current key encrypts, every listed key decrypts. Sources, first match wins:
 *
 * - `MOORING_CODEC_KEYS_FILE`: a YAML/JSON file, either a list of `{ id, key }` (the first
 *   encrypts), a mapping `{ current: <id>, keys: [{ id, key }] }`, or one key alone as
 *   `<id>:<base64>` or bare base64 (then the id is `k-` plus 8 hex digits of its SHA-256, so a
 *   replaced key gets a new id). A mounted Kubernetes Secret fits either shape.
 * - `MOORING_CODEC_KEY`: one key as `<id>:<base64>`.
 *
 * Every key is 32 random bytes in base64 (`openssl rand -base64 32`). Errors name the source and
 * the key id, never the key.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';

/** Names the key file. */
export const CODEC_KEYS_FILE_ENV = 'MOORING_CODEC_KEYS_FILE';
/** Holds one key as `<id>:<base64>`. */
export const CODEC_KEY_ENV = 'MOORING_CODEC_KEY';

/** AES-256 key length in bytes. */
export const CODEC_KEY_BYTES = 32;

const KEY_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** One codec key. */
export interface CodecKey {
  readonly id: string;
  /** The raw 32 bytes. */
  readonly key: Buffer;
}

/** The configured keys: `current` encrypts, `byId` decrypts. */
export interface CodecKeyRing {
  readonly current: CodecKey;
  readonly byId: ReadonlyMap<string, CodecKey>;
}

/**
 * Reads the codec keys from `MOORING_CODEC_KEYS_FILE` or `MOORING_CODEC_KEY`; undefined when
 * neither is set (payloads then travel unencrypted).
 *
 * @throws {Error} naming the file or variable when it cannot be read or holds a bad key
 */
export function loadCodecKeys(env: NodeJS.ProcessEnv = process.env): CodecKeyRing | undefined {
  const file = env[CODEC_KEYS_FILE_ENV];
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new Error(
        `Cannot read the codec keys file ${JSON.stringify(file)} named by ${CODEC_KEYS_FILE_ENV}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
        { cause: err },
      );
    }
    return parseCodecKeys(text, file);
  }
  const single = env[CODEC_KEY_ENV];
  if (single) return parseSingleKey(single.trim(), CODEC_KEY_ENV, { requireId: true });
  return undefined;
}

/**
 * Parses the text of a codec keys file (any of the shapes in the module comment); `source` names
 * it in errors.
 */
export function parseCodecKeys(text: string, source: string): CodecKeyRing {
  const trimmed = text.trim();
  if (!trimmed) throw new Error(`${source}: holds no codec key`);
  if (!/[\s{[]/.test(trimmed)) return parseSingleKey(trimmed, source, { requireId: false });
  let doc: unknown;
  try {
    // Loaded only when keys are configured: it costs a short CLI command ~70 ms.
    doc = (createRequire(import.meta.url)('yaml') as typeof Yaml).parse(trimmed, {
      prettyErrors: false,
    });
  } catch {
    // The parser's message quotes the source line, which holds a key: say only where it is.
    throw new Error(`${source}: cannot parse as YAML or JSON; expected a list of { id, key }`);
  }
  const shaped = doc as { current?: unknown; keys?: unknown } | null;
  const list = Array.isArray(doc) ? doc : shaped && typeof shaped === 'object' ? shaped.keys : undefined;
  if (!Array.isArray(list) || list.length === 0)
    throw new Error(`${source}: must be a non-empty list of { id, key } (or { current, keys: [...] })`);
  const keys = list.map((entry: unknown, i) => parseEntry(entry, `${source}: keys[${i}]`));
  const byId = new Map<string, CodecKey>();
  for (const key of keys) {
    if (byId.has(key.id)) throw new Error(`${source}: key id "${key.id}" is listed twice`);
    byId.set(key.id, key);
  }
  const currentId = Array.isArray(doc) ? undefined : shaped?.current;
  if (currentId !== undefined && (typeof currentId !== 'string' || !byId.has(currentId))) {
    throw new Error(
      `${source}: current: must be the id of a listed key: current value is ${JSON.stringify(currentId)}, listed ids are ${[...byId.keys()].map((id) => `"${id}"`).join(', ')}`,
    );
  }
  return { current: byId.get(currentId ?? keys[0]!.id)!, byId };
}

function parseEntry(entry: unknown, where: string): CodecKey {
  const e = entry as { id?: unknown; key?: unknown } | null;
  if (!e || typeof e !== 'object') throw new Error(`${where}: must be a mapping with id and key`);
  const id = checkId(e.id, `${where}.id`);
  if (typeof e.key !== 'string') throw new Error(`${where}.key: must be a base64 string (key "${id}")`);
  return { id, key: decodeKey(e.key, `${where}.key`, id) };
}

function parseSingleKey(text: string, source: string, options: { requireId: boolean }): CodecKeyRing {
  const colon = text.indexOf(':');
  if (colon < 0 && options.requireId)
    throw new Error(`${source}: must be "<id>:<base64 key>", e.g. "k1:" followed by 32 bytes in base64`);
  let key: CodecKey;
  if (colon < 0) {
    const raw = decodeKey(text, source, undefined);
    key = { id: `k-${createHash('sha256').update(raw).digest('hex').slice(0, 8)}`, key: raw };
  } else {
    const id = checkId(text.slice(0, colon), `${source}: id`);
    key = { id, key: decodeKey(text.slice(colon + 1), source, id) };
  }
  return { current: key, byId: new Map([[key.id, key]]) };
}

function checkId(id: unknown, where: string): string {
  if (typeof id !== 'string' || !KEY_ID.test(id)) {
    throw new Error(
      `${where}: must be a key id of letters, digits, ".", "_" or "-" (at most 64): current value is ${typeof id === 'string' ? JSON.stringify(id.slice(0, 70)) : typeof id}`,
    );
  }
  return id;
}

/** Decodes base64 strictly; the message states the length, never the text. */
function decodeKey(text: string, where: string, id: string | undefined): Buffer {
  const compact = text.trim();
  const subject = id === undefined ? 'the key' : `key "${id}"`;
  if (!BASE64.test(compact))
    throw new Error(`${where}: ${subject} is not valid base64; generate one with "openssl rand -base64 32"`);
  const raw = Buffer.from(compact, 'base64');
  if (raw.length !== CODEC_KEY_BYTES) {
    throw new Error(
      `${where}: ${subject} must decode to ${CODEC_KEY_BYTES} bytes (AES-256): it decodes to ${raw.length}; generate one with "openssl rand -base64 32"`,
    );
  }
  return raw;
}
