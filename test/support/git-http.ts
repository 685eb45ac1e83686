/**
 * A smart-HTTP Git server for tests: `git http-backend` (CGI) behind Basic auth, on 127.0.0.1, so
 * agents fetch with a real token from a credentials file, as they would from a Git host.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export interface GitHttpServer {
  /** `http://127.0.0.1:<port>` */
  baseUrl: string;
  /** Requests answered 401 (no or wrong credentials). */
  unauthorized(): number;
  /** Bytes of request bodies received and response bodies sent so far (what a Git host would bill). */
  traffic(): { received: number; sent: number };
  close(): Promise<void>;
}

/**
 * Serves the bare repositories under `projectRoot`; only `user`/`password` get through.
 * `onRequest` sees the path of every request, answered or not.
 */
export async function serveGitHttp(
  projectRoot: string,
  user: string,
  password: string,
  onRequest: (path: string) => void = () => undefined,
): Promise<GitHttpServer> {
  const backend = join(execFileSync('git', ['--exec-path']).toString().trim(), 'git-http-backend');
  const expected = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  let refused = 0;
  const traffic = { received: 0, sent: 0 };
  const server: Server = createServer((req, res) => {
    onRequest(new URL(req.url ?? '/', 'http://localhost').pathname);
    if (req.headers.authorization !== expected) {
      refused += 1;
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"' }).end();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      GIT_PROJECT_ROOT: projectRoot,
      GIT_HTTP_EXPORT_ALL: '1',
      REMOTE_USER: user,
      PATH_INFO: url.pathname,
      QUERY_STRING: url.search.slice(1),
      REQUEST_METHOD: req.method ?? 'GET',
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
      HTTP_CONTENT_ENCODING: req.headers['content-encoding'] ?? '',
    };
    if (req.headers['content-length']) env.CONTENT_LENGTH = req.headers['content-length'];
    const child = spawn(backend, [], { env });
    req.on('data', (chunk: Buffer) => (traffic.received += chunk.length));
    req.pipe(child.stdin);
    let head = Buffer.alloc(0);
    let headersDone = false;
    child.stdout.on('data', (chunk: Buffer) => {
      if (headersDone) {
        traffic.sent += chunk.length;
        return void res.write(chunk);
      }
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      headersDone = true;
      let status = 200;
      for (const line of head.subarray(0, end).toString().split('\r\n')) {
        const [name = '', ...rest] = line.split(':');
        if (name.toLowerCase() === 'status') status = Number.parseInt(rest.join(':').trim(), 10);
        else res.setHeader(name, rest.join(':').trim());
      }
      res.writeHead(status);
      traffic.sent += head.length - end - 4;
      res.write(head.subarray(end + 4));
    });
    child.on('close', () => res.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    unauthorized: () => refused,
    traffic: () => ({ ...traffic }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
