/* global process, fetch, AbortSignal */
// Sidecar: exposes the worker's loopback-only /metrics (127.0.0.1:9464, see workers/worker.ts) on
// the pod network so a Service and Prometheus can scrape it. Containers of one pod share the
// loopback interface. Only GET /metrics is forwarded; everything else is 404.
// Drop this sidecar once the worker can bind its metrics listener to the pod IP.
import { createServer } from 'node:http';

const upstream = `http://127.0.0.1:${process.env.MOORING_METRICS_PORT ?? '9464'}/metrics`;
const listenPort = Number(process.env.MOORING_METRICS_PROXY_PORT ?? '9470');

createServer((req, res) => {
  if (req.method !== 'GET' || req.url !== '/metrics') {
    res.writeHead(404).end();
    return;
  }
  fetch(upstream, { signal: AbortSignal.timeout(10_000) })
    .then(async (r) => {
      res
        .writeHead(r.status, { 'Content-Type': r.headers.get('content-type') ?? 'text/plain' })
        .end(await r.text());
    })
    .catch((err) =>
      res
        .writeHead(502)
        .end(`Cannot reach ${upstream}: ${err instanceof Error ? err.message : String(err)}\n`),
    );
}).listen(listenPort, '0.0.0.0');
