/** The codec server's defaults, apart from the server so `mooring --help` needs no crypto or protobuf. */

/** The Temporal Web UI of the local stack. */
export const DEFAULT_CORS_ORIGIN = 'http://127.0.0.1:8233';
/** Temporal's usual codec server port. */
export const DEFAULT_CODEC_PORT = 8888;
/** Largest request body accepted, in bytes. */
export const DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024;
