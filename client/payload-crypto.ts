/**
 * The payload codec: AES-256-GCM over each whole payload (metadata and data), so workflow inputs,
 * results, memos, signals, queries and activity arguments reach Temporal encrypted. Search
 * attributes never pass through codecs and stay plain; Mooring puts only names and statuses there.
 *
 * An encrypted payload has metadata `encoding: binary/encrypted` and `encryption-key-id: <id>`,
 * and data `nonce (12 random bytes) ‖ ciphertext ‖ tag (16 bytes)`; the encoding and key id are
 * bound as additional authenticated data, so a payload moved to another key id fails to decrypt.
 * The current key encrypts; any configured key decrypts (rotation: add the new key as current,
 * keep the old one until nothing in retention uses it). Payloads that are not encrypted decode
 * unchanged, so histories written before the codec was enabled stay readable.
 *
 * The worker, the CLI and `mooring codec-server` build the same converter with
 * `mooringDataConverter(loadCodecKeys())` (payload-codec.ts); the CLI's quick read path uses the
 * same codec with its own Payload message type, without loading the SDK.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { CODEC_KEY_ENV, CODEC_KEYS_FILE_ENV, type CodecKeyRing } from './codec-keys.js';

/** The `encoding` metadata of an encrypted payload. */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
/** The metadata entry naming the key that encrypted a payload. */
export const KEY_ID_METADATA = 'encryption-key-id';

const CIPHER = 'aes-256-gcm';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/**
 * The protobuf message type of a Payload, which the codec seals whole: @temporalio/proto's for the
 * SDK's converter, the read path's own (client/temporal-read) for the CLI's quick reads.
 */
export interface PayloadMessageType {
  encode(payload: Payload): { finish(): Uint8Array };
  decode(bytes: Uint8Array): Payload;
}

/** A payload cannot be decrypted: unknown key id, altered data, or no key configured. */
export class PayloadDecryptError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PayloadDecryptError';
  }
}

/** AES-256-GCM payload codec with a key id per payload. */
export class AesGcmPayloadCodec implements PayloadCodec {
  readonly #keys: CodecKeyRing;
  readonly #message: PayloadMessageType;

  constructor(keys: CodecKeyRing, message: PayloadMessageType) {
    this.#keys = keys;
    this.#message = message;
  }

  /** The id of the key new payloads are encrypted with. */
  get currentKeyId(): string {
    return this.#keys.current.id;
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const { id, key } = this.#keys.current;
    return payloads.map((payload) => {
      const nonce = randomBytes(NONCE_BYTES);
      const cipher = createCipheriv(CIPHER, key, nonce, { authTagLength: TAG_BYTES });
      cipher.setAAD(additionalData(id));
      const plain = this.#message.encode(payload).finish();
      const sealed = Buffer.concat([nonce, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: { encoding: utf8(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: utf8(id) },
        data: new Uint8Array(sealed),
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (!isEncrypted(payload)) return payload;
      const id = keyIdOf(payload);
      const entry = this.#keys.byId.get(id);
      if (!entry) {
        const known = [...this.#keys.byId.keys()].map((k) => `"${k}"`).join(', ');
        throw new PayloadDecryptError(
          `Cannot decrypt a payload encrypted with codec key "${id}": that key id is not configured (known: ${known}); add the key to ${CODEC_KEYS_FILE_ENV}`,
        );
      }
      const data = Buffer.from(payload.data ?? new Uint8Array());
      if (data.length < NONCE_BYTES + TAG_BYTES)
        throw new PayloadDecryptError(
          `Cannot decrypt a payload encrypted with codec key "${id}": it is truncated`,
        );
      const decipher = createDecipheriv(CIPHER, entry.key, data.subarray(0, NONCE_BYTES), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(additionalData(id));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      let plain: Buffer;
      try {
        plain = Buffer.concat([
          decipher.update(data.subarray(NONCE_BYTES, data.length - TAG_BYTES)),
          decipher.final(),
        ]);
      } catch {
        throw new PayloadDecryptError(
          `Cannot decrypt a payload encrypted with codec key "${id}": authentication failed (the payload was altered, or the configured key "${id}" is not the key that encrypted it)`,
        );
      }
      return this.#message.decode(plain);
    });
  }
}

/**
 * The codec used when no key is configured: payloads pass unencrypted, and an encrypted one fails
 * with a message saying which key to configure (instead of the SDK's "unknown encoding").
 */
export const noKeyCodec: PayloadCodec = {
  async encode(payloads) {
    return payloads;
  },
  async decode(payloads) {
    for (const payload of payloads) {
      if (!isEncrypted(payload)) continue;
      throw new PayloadDecryptError(
        `Cannot read a payload encrypted with codec key "${keyIdOf(payload)}": no codec key is configured; set ${CODEC_KEYS_FILE_ENV} or ${CODEC_KEY_ENV}`,
      );
    }
    return payloads;
  },
};

/** The codec of every Mooring process: AES-GCM when keys are configured, else `noKeyCodec`. */
export function mooringPayloadCodec(
  keys: CodecKeyRing | undefined,
  message: PayloadMessageType,
): PayloadCodec {
  return keys ? new AesGcmPayloadCodec(keys, message) : noKeyCodec;
}

/** Whether a payload was encrypted by this codec. */
export function isEncrypted(payload: Payload): boolean {
  const encoding = payload.metadata?.encoding;
  return encoding !== undefined && encoding !== null && text(encoding) === ENCRYPTED_ENCODING;
}

function keyIdOf(payload: Payload): string {
  const raw = payload.metadata?.[KEY_ID_METADATA];
  if (!raw)
    throw new PayloadDecryptError(`Cannot decrypt a payload: its ${KEY_ID_METADATA} metadata is missing`);
  return text(raw).slice(0, 64);
}

function additionalData(keyId: string): Buffer {
  return Buffer.from(`${ENCRYPTED_ENCODING}\n${keyId}`, 'utf8');
}

function utf8(value: string): Uint8Array {
  return new Uint8Array(Buffer.from(value, 'utf8'));
}

function text(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('utf8');
}
