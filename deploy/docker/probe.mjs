/* global process, fetch, AbortSignal, console */
// Liveness/readiness probe for the worker image: exits 0 when the worker's /metrics answers 200.
// The worker listens on 127.0.0.1 only, so the probe must run inside the container (an `exec`
// probe); an httpGet probe from the kubelet cannot reach it.
const port = process.env.MOORING_METRICS_PORT ?? '9464';
try {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(4000) });
  process.exit(res.ok ? 0 : 1);
} catch (err) {
  console.error(
    `Probe of http://127.0.0.1:${port}/metrics failed: ${err instanceof Error ? err.message : String(err)}`,
  );
  process.exit(1);
}
