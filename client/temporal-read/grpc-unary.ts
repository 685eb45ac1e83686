/**
 * Unary gRPC calls over node:http2 (the "gRPC over HTTP/2" wire protocol: a 5-byte length prefix
 * per message, the status in the trailers). @grpc/grpc-js does this and far more, but loading it
 * costs a short CLI command about as much as the rest of its work; the read path makes two kinds of
 * unary calls and needs nothing else (no streaming, retries, load balancing or compression).
 */
import { connect, constants, type ClientHttp2Session, type SecureClientSessionOptions } from 'node:http2';

/** A call that ended with a gRPC status other than OK, or never reached one. */
export class GrpcCallError extends Error {
  override name = 'GrpcCallError';
  /** The gRPC status code (https://grpc.io/docs/guides/status-codes/). */
  readonly code: number;
  constructor(code: number, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

export const GRPC_STATUS = { OK: 0, DEADLINE_EXCEEDED: 4, NOT_FOUND: 5, UNAVAILABLE: 14 } as const;

export interface GrpcTarget {
  /** host:port */
  address: string;
  /** TLS when set: the CA (else the system's roots), the client certificate pair, the name to check. */
  tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer; serverName?: string };
  /** Sent with every call (e.g. authorization, temporal-namespace). */
  headers: Record<string, string>;
}

export interface GrpcChannel {
  unary(path: string, request: Uint8Array, timeoutMs: number): Promise<Buffer>;
  close(): void;
}

export function openChannel(target: GrpcTarget): GrpcChannel {
  let session: ClientHttp2Session | undefined;
  let sessionError: Error | undefined;
  const open = (): ClientHttp2Session => {
    if (session && !session.closed && !session.destroyed) return session;
    const { tls } = target;
    const options: SecureClientSessionOptions = tls
      ? { ca: tls.ca, cert: tls.cert, key: tls.key, servername: tls.serverName, ALPNProtocols: ['h2'] }
      : {};
    session = connect(`${tls ? 'https' : 'http'}://${target.address}`, options);
    // Each call fails through its own stream; the session's error says why (refused, TLS, ...).
    session.on('error', (err: Error) => {
      sessionError = err;
    });
    return session;
  };

  return {
    unary(path, request, timeoutMs) {
      return new Promise<Buffer>((resolve, reject) => {
        const deadline = Date.now() + timeoutMs;
        let settled = false;
        const settle = (outcome: Buffer | Error): void => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          if (outcome instanceof Error) reject(outcome);
          else resolve(outcome);
        };
        // A server past grpc-timeout may just reset the stream: that is the deadline, not an outage.
        const ended = (message: string, cause?: Error): GrpcCallError =>
          Date.now() >= deadline - 50
            ? new GrpcCallError(GRPC_STATUS.DEADLINE_EXCEEDED, `no answer within ${timeoutMs} ms`, { cause })
            : new GrpcCallError(GRPC_STATUS.UNAVAILABLE, message, { cause });
        const stream = open().request({
          [constants.HTTP2_HEADER_METHOD]: 'POST',
          [constants.HTTP2_HEADER_PATH]: path,
          [constants.HTTP2_HEADER_CONTENT_TYPE]: 'application/grpc+proto',
          te: 'trailers',
          'grpc-timeout': `${Math.max(1, Math.ceil(timeoutMs))}m`,
          ...target.headers,
        });
        // The server ends the call at grpc-timeout; this covers a peer that never answers.
        const timer = setTimeout(() => {
          stream.close(constants.NGHTTP2_CANCEL);
          settle(new GrpcCallError(GRPC_STATUS.DEADLINE_EXCEEDED, `no answer within ${timeoutMs} ms`));
        }, timeoutMs + 500);
        const chunks: Buffer[] = [];
        let status: number | undefined;
        let message = '';
        const readStatus = (headers: Record<string, unknown>): void => {
          if (headers['grpc-status'] === undefined) return;
          status = Number(headers['grpc-status']);
          message = decodeURIComponent(String(headers['grpc-message'] ?? ''));
        };
        stream.on('response', (headers) => {
          const httpStatus = Number(headers[constants.HTTP2_HEADER_STATUS]);
          if (httpStatus !== 200)
            message = `HTTP ${httpStatus} from ${target.address} (is it a Temporal frontend?)`;
          readStatus(headers); // a trailers-only answer carries its status here
        });
        stream.on('trailers', readStatus);
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('error', (err) => {
          const cause = sessionError ?? err;
          settle(ended(cause.message, cause));
        });
        stream.on('close', () => {
          if (status === undefined) return settle(ended(message || 'the call ended without a gRPC status'));
          if (status !== GRPC_STATUS.OK) return settle(new GrpcCallError(status, message));
          try {
            settle(unframe(Buffer.concat(chunks)));
          } catch (err) {
            settle(err instanceof Error ? err : new Error(String(err)));
          }
        });
        stream.end(frame(request));
      });
    },
    close() {
      session?.close();
    },
  };
}

/** One uncompressed message: flag 0, 4-byte big-endian length, the bytes. */
function frame(message: Uint8Array): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt32BE(message.length, 1);
  return Buffer.concat([head, message]);
}

/** The single message of a unary answer. */
function unframe(body: Buffer): Buffer {
  if (body.length < 5) throw new GrpcCallError(GRPC_STATUS.UNAVAILABLE, 'the answer holds no message');
  if (body[0] !== 0)
    throw new GrpcCallError(GRPC_STATUS.UNAVAILABLE, 'the answer is compressed, which was not asked for');
  const length = body.readUInt32BE(1);
  if (body.length !== 5 + length)
    throw new GrpcCallError(
      GRPC_STATUS.UNAVAILABLE,
      `the answer is ${body.length - 5} bytes, its frame says ${length}`,
    );
  return body.subarray(5);
}
