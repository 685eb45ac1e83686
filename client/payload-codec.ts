/**
 * The data converter of every Mooring client and worker, on @temporalio/proto's Payload message
 * (the codec itself is in payload-crypto.ts).
 */
import type { DataConverter } from '@temporalio/common';
import proto from '@temporalio/proto';
import type { CodecKeyRing } from './codec-keys.js';
import { AesGcmPayloadCodec as SealingCodec, mooringPayloadCodec } from './payload-crypto.js';

export { ENCRYPTED_ENCODING, isEncrypted, KEY_ID_METADATA, PayloadDecryptError } from './payload-crypto.js';

// @temporalio/proto is CommonJS: its namespace comes through the default export.
const ProtoPayload = proto.temporal.api.common.v1.Payload;

/** AES-256-GCM payload codec with a key id per payload, on @temporalio/proto's Payload. */
export class AesGcmPayloadCodec extends SealingCodec {
  constructor(keys: CodecKeyRing) {
    super(keys, ProtoPayload);
  }
}

/**
 * The data converter of every Mooring client and worker: the AES-GCM codec when keys are
 * configured, else a pass-through that explains encrypted payloads it cannot read.
 */
export function mooringDataConverter(keys: CodecKeyRing | undefined): DataConverter {
  return { payloadCodecs: [mooringPayloadCodec(keys, ProtoPayload)] };
}
