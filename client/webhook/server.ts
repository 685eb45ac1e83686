/**
 * The `mooring webhook` HTTP server: `POST /api/webhook` takes GitHub, GitLab and generic push
 * events, authenticates them (HMAC signature or token, per provider, secrets from files), matches
 * the apps the push concerns and asks the {@link Refresher} to signal them; `GET /healthz` and
 * `GET /metrics` (Prometheus) for operators. Bounded: a global token bucket on requests, a body
 * size cap, a request timeout. Responses and logs never hold a secret or a payload.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Counter, Registry } from 'prom-client';
import { matchApps } from '../../core/webhook/match.js';
import type { WebhookApp } from '../../core/webhook/match.js';
import { detectProvider, parseWebhookEvent, PayloadError, printable } from '../../core/webhook/payload.js';
import type { Provider, PushEvent } from '../../core/webhook/payload.js';
import { DEFAULT_WEBHOOK_PORT } from '../../core/webhook/listen.js';
import { TokenBucket } from '../../core/webhook/rate-limit.js';
import { verifyHmacSignature, verifyToken } from '../../core/webhook/signature.js';
import type { AuthResult } from '../../core/webhook/signature.js';
import type { PushDecision } from '../../core/webhook/coalescer.js';
import type { RefreshNote } from './refresher.js';
import type { AppsView } from './app-directory.js';
import { listen } from '../listen.js';

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
export const DEFAULT_RATE_PER_SECOND = 50;
export const DEFAULT_RATE_BURST = 100;
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
export const WEBHOOK_PATH = '/api/webhook';
/** The generic provider's signature header: `sha256=<hex>` HMAC-SHA256 of the raw body. */
export const GENERIC_SIGNATURE_HEADER = 'X-Mooring-Signature-256';

/** Accepted secrets per provider (several for rotation); a provider without any is refused. */
export type WebhookSecrets = Partial<Record<Provider, readonly string[]>>;

/** Structured log lines (pino's Logger fits). */
export interface WebhookLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export interface WebhookServerOptions {
  secrets: WebhookSecrets;
  /** The apps to match pushes against: the last listing, and a new one when it is stale. */
  apps: () => AppsView;
  /** Signals (or merges) a refresh for one app workflow. */
  refresh: (workflowId: string, note: RefreshNote) => Promise<PushDecision>;
  /** @default '127.0.0.1' */
  host?: string;
  /** 0 picks a free port. @default 9480 */
  port?: number;
  /** @default 1 MiB */
  maxBodyBytes?: number;
  /** @default 50 */
  ratePerSecond?: number;
  /** @default 100 */
  rateBurst?: number;
  /** Whole request, headers to response. @default 10 s */
  requestTimeoutMs?: number;
  registry?: Registry;
  log?: WebhookLog;
}

export interface WebhookServer {
  /** e.g. `http://127.0.0.1:9480`; webhooks go to `${url}/api/webhook`. */
  readonly url: string;
  readonly registry: Registry;
  close(): Promise<void>;
}

type Result =
  | 'accepted'
  | 'pong'
  | 'ignored'
  | 'unauthorized'
  | 'disabled'
  | 'bad_request'
  | 'too_large'
  | 'rate_limited'
  | 'method_not_allowed'
  | 'unavailable'
  | 'error';

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly result: Result,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const PROVIDER_NAMES: Record<Provider, string> = { github: 'GitHub', gitlab: 'GitLab', generic: 'Generic' };
const SIGNAL_CONCURRENCY = 16;
const MAX_REASON = 200;

export async function startWebhookServer(options: WebhookServerOptions): Promise<WebhookServer> {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const bucket = new TokenBucket(
    options.ratePerSecond ?? DEFAULT_RATE_PER_SECOND,
    options.rateBurst ?? DEFAULT_RATE_BURST,
    Date.now(),
  );
  const registry = options.registry ?? new Registry();
  const requests = new Counter({
    name: 'mooring_webhook_requests_total',
    help: 'Webhook requests by provider (github, gitlab, generic) and result',
    labelNames: ['provider', 'result'],
    registers: [registry],
  });
  const log = options.log;

  const server = createServer(
    {
      requestTimeout: requestTimeoutMs,
      headersTimeout: Math.min(requestTimeoutMs, 5000),
      connectionsCheckingInterval: 1000,
    },
    (req, res) => {
      void route(req, res);
    },
  );

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://webhook').pathname;
    try {
      if (path === '/healthz')
        return reply(res, req.method === 'GET' || req.method === 'HEAD' ? 200 : 405, 'ok\n');
      if (path === '/metrics' && req.method === 'GET') {
        res.writeHead(200, { 'Content-Type': registry.contentType });
        res.end(await registry.metrics());
        return;
      }
      if (path !== WEBHOOK_PATH) return reply(res, 404, `Not found: POST webhooks to ${WEBHOOK_PATH}\n`);
    } catch {
      return reply(res, 500, 'Internal error\n');
    }
    const provider = detectProvider((name) => header(req, name));
    let result: Result = 'error';
    try {
      const outcome = await withTimeout(webhook(req, provider), requestTimeoutMs);
      result = outcome.result;
      res.writeHead(outcome.status, { 'Content-Type': 'application/json' });
      res.end(`${JSON.stringify(outcome.body)}\n`);
    } catch (err) {
      const known = err instanceof HttpError ? err : undefined;
      result = known?.result ?? 'error';
      if (!known) log?.warn({ provider, err: errorText(err) }, 'webhook request failed');
      if (!res.headersSent) {
        res.writeHead(known?.status ?? 500, {
          'Content-Type': 'application/json',
          ...known?.headers,
          ...(result === 'too_large' ? { Connection: 'close' } : {}),
        });
        res.end(
          `${JSON.stringify({ error: known?.message ?? 'internal error: see the webhook server log' })}\n`,
        );
      }
      if (result === 'too_large') drain(req, maxBodyBytes * 8);
    } finally {
      requests.inc({ provider, result });
    }
  }

  async function webhook(
    req: IncomingMessage,
    provider: Provider,
  ): Promise<{ status: number; result: Result; body: Record<string, unknown> }> {
    if (req.method !== 'POST')
      throw new HttpError(
        405,
        'method_not_allowed',
        `Method ${req.method ?? ''} not allowed on ${WEBHOOK_PATH}: use POST`,
        {
          Allow: 'POST',
        },
      );
    const taken = bucket.take(Date.now());
    if (!taken.ok) {
      const seconds = Math.max(1, Math.ceil(taken.retryAfterMs / 1000));
      throw new HttpError(429, 'rate_limited', `Too many webhook requests: retry in ${seconds} s`, {
        'Retry-After': String(seconds),
      });
    }
    const secrets = options.secrets[provider] ?? [];
    if (secrets.length === 0)
      throw new HttpError(
        403,
        'disabled',
        `${PROVIDER_NAMES[provider]} webhooks are not enabled on this server: start mooring webhook with --${provider}-secret-file (or MOORING_WEBHOOK_${provider.toUpperCase()}_SECRET_FILE)`,
      );
    const body = await readBody(req, maxBodyBytes);
    const auth = authenticate(provider, req, body, secrets);
    if (!auth.ok) {
      log?.warn({ provider, remote: req.socket.remoteAddress, reason: auth.reason }, 'webhook refused');
      throw new HttpError(401, 'unauthorized', `${PROVIDER_NAMES[provider]} webhook refused: ${auth.reason}`);
    }
    let event;
    try {
      event = parseWebhookEvent(
        provider,
        header(req, provider === 'github' ? 'x-github-event' : 'x-gitlab-event'),
        body.toString('utf8'),
        header(req, 'content-type'),
      );
    } catch (err) {
      if (err instanceof PayloadError) throw new HttpError(400, 'bad_request', err.message);
      throw err;
    }
    if (event.kind === 'ping') return { status: 200, result: 'pong', body: { result: 'pong' } };
    if (event.kind === 'ignored')
      return { status: 202, result: 'ignored', body: { result: 'ignored', reason: event.reason } };
    return { status: 200, result: 'accepted', body: await refreshMatching(event.push) };
  }

  async function refreshMatching(push: PushEvent): Promise<Record<string, unknown>> {
    const view = options.apps();
    const note: RefreshNote = {
      reason: printable(`webhook push by ${push.sender ?? 'unknown'} (${push.provider})`, MAX_REASON),
      initiator: printable(`webhook:${push.provider}:${push.sender ?? 'unknown'}`, MAX_REASON),
    };
    const matched = new Map<string, WebhookApp>();
    const signaled: string[] = [];
    const merged: string[] = [];
    const failed = new Set<string>();
    const act = async (apps: WebhookApp[]): Promise<void> => {
      const todo = apps.filter((app) => !matched.has(app.workflowId));
      for (const app of todo) matched.set(app.workflowId, app);
      let next = 0;
      const worker = async (): Promise<void> => {
        for (let app = todo[next++]; app !== undefined; app = todo[next++]) {
          try {
            const decision = await options.refresh(app.workflowId, note);
            (decision === 'merged' ? merged : signaled).push(app.name);
          } catch (err) {
            failed.add(app.name);
            log?.warn({ app: app.name, err: errorText(err) }, 'cannot signal refresh');
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(SIGNAL_CONCURRENCY, todo.length) }, worker));
    };

    // The apps of the last listing are signalled at once; a new listing then adds the apps
    // registered (or moved to this repository) since.
    if (view.cached) await act(matchApps(push, view.cached));
    const listed = await view.fresh?.catch((err: unknown) => {
      log?.warn({ err: errorText(err), listingAgeMs: view.ageMs }, 'cannot list applications');
      if (!view.cached)
        throw new HttpError(
          503,
          'unavailable',
          'Cannot list the applications from Temporal now; the push was not acted on: redeliver it later',
        );
      return undefined;
    });
    if (listed) {
      const current = matchApps(push, listed);
      // An app the last listing matched that the new one does not was deleted or moved meanwhile.
      const names = new Set(current.map((a) => a.name));
      for (const name of failed) if (!names.has(name)) failed.delete(name);
      await act(current);
    }
    log?.info(
      {
        provider: push.provider,
        ref: push.ref,
        sender: push.sender,
        matched: matched.size,
        signaled: signaled.length,
        merged: merged.length,
      },
      'webhook push',
    );
    return {
      result: 'accepted',
      matched: [...matched.values()].map((a) => a.name),
      signaled,
      merged,
      ...(failed.size > 0 && { failed: [...failed] }),
    };
  }

  return {
    ...(await listen(server, options.port ?? DEFAULT_WEBHOOK_PORT, options.host ?? '127.0.0.1')),
    registry,
  };
}

function authenticate(
  provider: Provider,
  req: IncomingMessage,
  body: Buffer,
  secrets: readonly string[],
): AuthResult {
  switch (provider) {
    case 'github':
      return verifyHmacSignature(body, header(req, 'x-hub-signature-256'), secrets, 'X-Hub-Signature-256');
    case 'gitlab':
      return verifyToken(header(req, 'x-gitlab-token'), secrets, 'X-Gitlab-Token');
    case 'generic':
      return verifyHmacSignature(
        body,
        header(req, GENERIC_SIGNATURE_HEADER),
        secrets,
        GENERIC_SIGNATURE_HEADER,
      );
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** The body, or a 413 as soon as it passes `max` bytes (the stream is left open for `drain`). */
async function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  const tooLarge = () =>
    new HttpError(413, 'too_large', `Request body larger than ${max} bytes (--max-body-bytes)`);
  const declared = Number(header(req, 'content-length'));
  if (Number.isFinite(declared) && declared > max) throw tooLarge();
  return await new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= max) {
        chunks.push(chunk);
        return;
      }
      req.off('data', onData);
      req.off('end', onEnd);
      req.pause();
      reject(tooLarge());
    };
    const onEnd = (): void => resolve(Buffer.concat(chunks));
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', reject);
  });
}

/** Reads and discards the rest of a refused body (so the client sees the 413), up to `limit` bytes. */
function drain(req: IncomingMessage, limit: number): void {
  let drained = 0;
  req.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > limit) req.destroy();
  });
  req.resume();
}

function reply(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(text);
}

async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new HttpError(
            503,
            'unavailable',
            `The webhook was not handled within ${ms} ms; redeliver it later`,
          ),
        ),
      ms,
    );
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
