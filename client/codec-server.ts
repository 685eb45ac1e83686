/**
 * A Temporal remote codec server: the Web UI and the `temporal` CLI (`--codec-endpoint`) POST
 * `{ "payloads": [...] }` (protobuf JSON: metadata values and data in base64) to `<endpoint>/decode`
 * or `/encode` and get the same shape back, so whoever can reach this server with the key sees
 * decoded payloads, and Temporal itself never does.
 *
 * Safe defaults: listens on loopback, answers CORS only for the configured origins (a browser
 * page from any other origin is refused), optionally requires a header or bearer token, bounds the
 * request body, and never logs a payload.
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { PayloadDecryptError } from './payload-codec.js';

import { DEFAULT_CODEC_PORT, DEFAULT_CORS_ORIGIN, DEFAULT_MAX_BODY_BYTES } from './codec-server-defaults.js';
import { listen } from './listen.js';

export { DEFAULT_CODEC_PORT, DEFAULT_CORS_ORIGIN, DEFAULT_MAX_BODY_BYTES } from './codec-server-defaults.js';

/** Options of `startCodecServer`. */
export interface CodecServerOptions {
  /** The codec applied to the payloads. */
  codec: PayloadCodec;
  /** Listen address. @default '127.0.0.1' */
  host?: string;
  /** Listen port; 0 picks a free one. @default 8888 */
  port?: number;
  /** Browser origins allowed to call (CORS). @default ['http://127.0.0.1:8233'] */
  corsOrigins?: readonly string[];
  /**
   * A header every request must carry. With `token` it must hold the token (`Bearer <token>` for
   * `Authorization`); without, it must only be present and non-empty.
   * @default 'Authorization' when `token` is set, else none
   */
  requireHeader?: string;
  /** The token the required header must hold. @default none */
  token?: string;
  /** Largest accepted request body in bytes. @default 8 MiB */
  maxBodyBytes?: number;
}

/** A running codec server. */
export interface CodecServer {
  /** Base URL, e.g. `http://127.0.0.1:8888`; append `/decode` or `/encode`. */
  readonly url: string;
  close(): Promise<void>;
}

interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Starts the codec server; resolves once it listens. */
export async function startCodecServer(options: CodecServerOptions): Promise<CodecServer> {
  const host = options.host ?? '127.0.0.1';
  const origins = new Set(options.corsOrigins ?? [DEFAULT_CORS_ORIGIN]);
  const requireHeader = (
    options.requireHeader ?? (options.token ? 'Authorization' : undefined)
  )?.toLowerCase();
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const expected =
    options.token === undefined
      ? undefined
      : Buffer.from(requireHeader === 'authorization' ? `Bearer ${options.token}` : options.token);

  const server = createServer((req, res) => {
    const origin = req.headers.origin;
    const allowed = origin !== undefined && origins.has(origin);
    if (allowed) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
      res.setHeader('Vary', 'Origin');
    }
    handle(req, res, allowed).catch((err: unknown) => {
      const status = err instanceof HttpError ? err.status : err instanceof PayloadDecryptError ? 400 : 500;
      const message =
        err instanceof HttpError || err instanceof PayloadDecryptError
          ? err.message
          : 'Cannot apply the codec: internal error';
      if (!res.headersSent) res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(message);
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse, allowed: boolean): Promise<void> {
    if (req.headers.origin !== undefined && !allowed)
      throw new HttpError(
        403,
        `Origin ${JSON.stringify(req.headers.origin)} is not allowed (see --cors-origin)`,
      );
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        'Access-Control-Allow-Methods': 'POST, OPTIONS',
        'Access-Control-Allow-Headers':
          req.headers['access-control-request-headers'] ?? 'Content-Type, X-Namespace, Authorization',
        'Access-Control-Max-Age': '600',
      });
      res.end();
      return;
    }
    const operation = /\/(encode|decode)$/.exec(new URL(req.url ?? '/', 'http://codec').pathname)?.[1];
    if (!operation) throw new HttpError(404, 'Not found: POST to /encode or /decode');
    if (req.method !== 'POST') throw new HttpError(405, `Method ${req.method} not allowed: use POST`);
    checkAuth(req);
    const body = await readBody(req, maxBodyBytes);
    const payloads = parsePayloads(body);
    const result =
      operation === 'encode' ? await options.codec.encode(payloads) : await options.codec.decode(payloads);
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ payloads: result.map(toJson) }));
  }

  function checkAuth(req: IncomingMessage): void {
    if (requireHeader === undefined) return;
    const value = req.headers[requireHeader];
    const given = Array.isArray(value) ? value[0] : value;
    if (!given) throw new HttpError(401, `Missing header ${requireHeader}`);
    if (expected === undefined) return;
    const actual = Buffer.from(given);
    if (actual.length !== expected.length || !timingSafeEqual(actual, expected))
      throw new HttpError(401, `Header ${requireHeader} does not hold the expected token`);
  }

  return await listen(server, options.port ?? DEFAULT_CODEC_PORT, host);
}

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw new HttpError(413, `Request body exceeds ${limit} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new HttpError(413, `Request body exceeds ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parsePayloads(body: string): Payload[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new HttpError(400, 'Request body is not JSON: expected {"payloads": [...]}');
  }
  const list = (parsed as { payloads?: unknown } | null)?.payloads;
  if (!Array.isArray(list)) throw new HttpError(400, 'Request body must be {"payloads": [...]}');
  return list.map((item: unknown, i) => {
    const p = (item ?? {}) as JsonPayload;
    if (typeof p !== 'object' || (p.data !== undefined && typeof p.data !== 'string'))
      throw new HttpError(400, `payloads[${i}].data: must be a base64 string`);
    const metadata: Record<string, Uint8Array> = {};
    for (const [key, value] of Object.entries(p.metadata ?? {})) {
      if (typeof value !== 'string')
        throw new HttpError(400, `payloads[${i}].metadata.${key}: must be a base64 string`);
      metadata[key] = new Uint8Array(Buffer.from(value, 'base64'));
    }
    return { metadata, data: new Uint8Array(Buffer.from(p.data ?? '', 'base64')) };
  });
}

function toJson(payload: Payload): JsonPayload {
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(payload.metadata ?? {}))
    metadata[key] = Buffer.from(value).toString('base64');
  return { metadata, data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64') };
}
