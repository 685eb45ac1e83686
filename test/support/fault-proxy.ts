/**
 * A fault-injecting proxy in front of a Kubernetes API server, for the fault matrix
 * (test/faults/). It terminates TLS with a self-signed certificate made for it, forwards every
 * request to the real API server with the credentials of the given kubeconfig, and writes a
 * kubeconfig that points at itself (`kubeconfig`) for the worker under test. Switches:
 *
 * - `failNext` answers matching requests with 429 (Retry-After) or 500 for a time or a number of
 *   requests, as an overloaded or failing API server does;
 * - `hold` keeps matching requests waiting (in flight) until `release`, so a test can act while a
 *   server-side apply, a dry-run or a delete is under way;
 * - when the API server does not answer (stopped), the client's connection is reset, as it is
 *   when the server goes away under an open connection.
 *
 * It also counts what passed (`seen`), e.g. the non-dry-run applies of one object.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import * as https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { KubeConfig } from '@kubernetes/client-node';
import { stringify } from 'yaml';

const execFileAsync = promisify(execFile);

/** One request as the proxy saw it. */
export interface SeenRequest {
  method: string;
  /** Path with query string. */
  url: string;
  /** Status sent back; 0 when the connection was reset. */
  status: number;
  /** True when the proxy made the answer up (an injected fault), false when it came from upstream. */
  injected: boolean;
  at: number;
}

/** Which requests a switch applies to. */
export type RequestMatch = (req: { method: string; url: string; body?: string }) => boolean;

export interface FailureSpec {
  status: 403 | 429 | 500 | 503;
  /** Stop after this many answered requests. */
  requests?: number;
  /** Stop after this long (from now). */
  forMs?: number;
  /** Retry-After in seconds, sent with 429. @default 1 */
  retryAfterSeconds?: number;
  /** @default every request */
  match?: RequestMatch;
}

export interface FaultProxy {
  /** A kubeconfig file whose server is the proxy (no credentials: the proxy adds them). */
  kubeconfig: string;
  port: number;
  /** Every request so far, oldest first. */
  seen: SeenRequest[];
  /** Answers matching requests with an error until the spec's count or time runs out. */
  failNext(spec: FailureSpec): void;
  /** The end of the current failure (count exhausted or time over); resolves at once without one. */
  failureOver(): Promise<number>;
  /** Ends the current failure now. */
  clearFailure(): void;
  /** Keeps matching requests in flight until `release`. */
  hold(match: RequestMatch): void;
  /** How many requests are held right now. */
  held(): number;
  /** Lets held requests (and later ones) through. */
  release(): void;
  close(): Promise<void>;
}

/** Non-dry-run server-side applies (PATCH with the apply content type). */
export const isApply: RequestMatch = (r) => r.method === 'PATCH' && !r.url.includes('dryRun=');
/** Server-side dry-run applies. */
export const isDryRun: RequestMatch = (r) => r.method === 'PATCH' && r.url.includes('dryRun=');
export const isDelete: RequestMatch = (r) => r.method === 'DELETE';
export const isWrite: RequestMatch = (r) => r.method !== 'GET' && !r.url.includes('dryRun=');

/** A self-signed certificate for 127.0.0.1 (openssl), PEM. */
async function selfSignedCert(dir: string): Promise<{ cert: string; key: string }> {
  const certFile = join(dir, 'proxy.crt');
  const keyFile = join(dir, 'proxy.key');
  await execFileAsync('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=mooring-fault-proxy',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
    '-keyout',
    keyFile,
    '-out',
    certFile,
  ]);
  return { cert: await readFile(certFile, 'utf8'), key: await readFile(keyFile, 'utf8') };
}

/** Starts a proxy to the current cluster of `upstreamKubeconfig`. */
export async function startFaultProxy(upstreamKubeconfig: string): Promise<FaultProxy> {
  const dir = await mkdtemp(join(tmpdir(), 'mooring-fault-proxy-'));
  const { cert, key } = await selfSignedCert(dir);
  const kc = new KubeConfig();
  kc.loadFromFile(upstreamKubeconfig);
  const upstream = new URL(kc.getCurrentCluster()?.server ?? '');
  const tls: https.RequestOptions = {};
  await kc.applyToHTTPSOptions(tls);
  const agent = new https.Agent({
    keepAlive: true,
    ca: tls.ca,
    cert: tls.cert,
    key: tls.key,
    rejectUnauthorized: tls.rejectUnauthorized,
  });

  const seen: SeenRequest[] = [];
  let failure: (FailureSpec & { until?: number; left?: number }) | undefined;
  let failureEnded: (() => void) | undefined;
  let failureEndedAt = 0;
  let holdMatch: RequestMatch | undefined;
  let waiting: (() => void)[] = [];

  function endFailure(): void {
    failure = undefined;
    failureEndedAt = Date.now();
    failureEnded?.();
    failureEnded = undefined;
  }

  function activeFailure(req: { method: string; url: string; body: string }): FailureSpec | undefined {
    if (!failure) return undefined;
    if (failure.until !== undefined && Date.now() >= failure.until) {
      endFailure();
      return undefined;
    }
    if (failure.match && !failure.match(req)) return undefined;
    if (failure.left !== undefined) {
      if (failure.left <= 0) {
        endFailure();
        return undefined;
      }
      failure.left -= 1;
    }
    return failure;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const text = body.toString('utf8');
    if (holdMatch?.({ method, url, body: text })) {
      await new Promise<void>((resolve) => waiting.push(resolve));
      // A client that died while its request was held (a killed worker) never sent it for real.
      if (req.socket.destroyed) return;
    }
    const fault = activeFailure({ method, url, body: text });
    if (fault) {
      const status = fault.status;
      const reason = {
        403: 'Forbidden',
        429: 'TooManyRequests',
        500: 'InternalError',
        503: 'ServiceUnavailable',
      }[status];
      const headers: Record<string, string> = { 'Content-Type': 'application/json' };
      if (status === 429) headers['Retry-After'] = String(fault.retryAfterSeconds ?? 1);
      res.writeHead(status, headers);
      res.end(
        JSON.stringify({
          kind: 'Status',
          apiVersion: 'v1',
          status: 'Failure',
          reason,
          code: status,
          message: `injected by the fault proxy: ${reason}`,
        }),
      );
      seen.push({ method, url, status, injected: true, at: Date.now() });
      if (failure?.left === 0) endFailure();
      return;
    }
    const headers = { ...req.headers, host: upstream.host };
    delete headers.authorization;
    const out = https.request(new URL(url, upstream), { method, headers, agent, timeout: 60_000 }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
      seen.push({ method, url, status: up.statusCode ?? 0, injected: false, at: Date.now() });
    });
    out.on('error', () => {
      seen.push({ method, url, status: 0, injected: false, at: Date.now() });
      res.socket?.destroy(); // the server went away: the client sees a reset connection
    });
    out.on('timeout', () => out.destroy());
    out.end(body);
  }

  const server = https.createServer({ cert, key }, (req, res) => {
    handle(req, res).catch(() => res.socket?.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  const kubeconfig = join(dir, 'kubeconfig');
  await writeFile(
    kubeconfig,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        {
          name: 'fault-proxy',
          cluster: {
            server: `https://127.0.0.1:${port}`,
            'certificate-authority-data': Buffer.from(cert).toString('base64'),
          },
        },
      ],
      users: [{ name: 'fault-proxy', user: {} }],
      contexts: [{ name: 'fault-proxy', context: { cluster: 'fault-proxy', user: 'fault-proxy' } }],
      'current-context': 'fault-proxy',
    }),
  );

  return {
    kubeconfig,
    port,
    seen,
    failNext(spec) {
      failure = {
        ...spec,
        until: spec.forMs === undefined ? undefined : Date.now() + spec.forMs,
        left: spec.requests,
      };
      if (spec.forMs !== undefined) {
        const timer = setTimeout(() => {
          if (failure?.until !== undefined && Date.now() >= failure.until) endFailure();
        }, spec.forMs);
        timer.unref();
      }
    },
    failureOver() {
      if (!failure) return Promise.resolve(failureEndedAt);
      return new Promise((resolve) => {
        const previous = failureEnded;
        failureEnded = () => {
          previous?.();
          resolve(failureEndedAt);
        };
      });
    },
    clearFailure() {
      if (failure) endFailure();
    },
    hold(match) {
      holdMatch = match;
    },
    held: () => waiting.length,
    release() {
      holdMatch = undefined;
      const go = waiting;
      waiting = [];
      for (const w of go) w();
    },
    async close() {
      holdMatch = undefined;
      for (const w of waiting) w();
      waiting = [];
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
