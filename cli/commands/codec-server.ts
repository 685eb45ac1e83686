/**
 * `mooring codec-server`: serves Temporal's remote codec protocol with the configured codec keys,
 * so the Web UI (Settings → Codec Server) and `temporal workflow show --codec-endpoint` show
 * decoded payloads to whoever can reach it, while Temporal stores them encrypted.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { CODEC_KEY_ENV, CODEC_KEYS_FILE_ENV, loadCodecKeys } from '../../client/codec-keys.js';
import {
  DEFAULT_CODEC_PORT,
  DEFAULT_CORS_ORIGIN,
  DEFAULT_MAX_BODY_BYTES,
} from '../../client/codec-server-defaults.js';

interface CodecServerFlags {
  host: string;
  port: string;
  corsOrigin?: string[];
  requireHeader?: string;
  tokenFile?: string;
  maxBodyBytes: string;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

export function registerCodecServerCommand(program: Command): void {
  program
    .command('codec-server')
    .description('Decode payloads for the Temporal Web UI and CLI with the codec keys')
    .option('--host <address>', 'listen address (keep loopback unless a token is required)', '127.0.0.1')
    .option('--port <port>', 'listen port', String(DEFAULT_CODEC_PORT))
    .option(
      '--cors-origin <origin>',
      `browser origin allowed to call, repeatable (default: "${DEFAULT_CORS_ORIGIN}")`,
      (v: string, acc: string[] = []) => [...acc, v],
    )
    .option('--require-header <name>', 'header every request must carry (Authorization with --token-file)')
    .option('--token-file <path>', 'file holding the token the header must hold ("Bearer <token>")')
    .option('--max-body-bytes <bytes>', 'largest request body', String(DEFAULT_MAX_BODY_BYTES))
    .action(async (flags: CodecServerFlags) => {
      const keys = loadCodecKeys();
      if (!keys)
        throw new Error(`codec-server needs the codec keys: set ${CODEC_KEYS_FILE_ENV} or ${CODEC_KEY_ENV}`);
      const token = flags.tokenFile ? readToken(flags.tokenFile) : undefined;
      if (!LOOPBACK.test(flags.host) && token === undefined) {
        console.error(
          `warning: listening on ${flags.host} without --token-file: anyone who reaches this port can decrypt payloads`,
        );
      }
      const [{ startCodecServer }, { AesGcmPayloadCodec }] = await Promise.all([
        import('../../client/codec-server.js'),
        import('../../client/payload-codec.js'),
      ]);
      const server = await startCodecServer({
        codec: new AesGcmPayloadCodec(keys),
        host: flags.host,
        port: positive(flags.port, '--port', true),
        corsOrigins: flags.corsOrigin ?? [DEFAULT_CORS_ORIGIN],
        requireHeader: flags.requireHeader,
        token,
        maxBodyBytes: positive(flags.maxBodyBytes, '--max-body-bytes', false),
      });
      console.log(
        `codec server listening on ${server.url} (key "${keys.current.id}" encrypts, ${keys.byId.size} key(s) decrypt); set it as the Codec Server endpoint in the Web UI`,
      );
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await server.close();
    });
}

function readToken(path: string): string {
  let token: string;
  try {
    token = readFileSync(path, 'utf8').trim();
  } catch (err) {
    throw new Error(
      `Cannot read --token-file ${JSON.stringify(path)}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
      { cause: err },
    );
  }
  if (!token) throw new Error(`--token-file ${JSON.stringify(path)} is empty`);
  return token;
}

function positive(value: string, flag: string, allowZero: boolean): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < (allowZero ? 0 : 1))
    throw new Error(
      `${flag} must be ${allowZero ? 'a port number' : 'a positive integer'}: current value is "${value}"`,
    );
  return n;
}
