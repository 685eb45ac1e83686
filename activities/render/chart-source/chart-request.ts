/**
 * What every chart request needs from the agent: its credentials, its URL policy, the limits and
 * the caller's cancellation. Built once by `ChartSource` and passed down; never from a payload.
 */
import type { ChartCredentials, ResolvedChartCredentials } from './chart-credentials.js';
import type { ChartUrlPolicy } from './chart-url-policy.js';

/** Size and time limits of chart requests. */
export interface ChartLimits {
  /** Largest `index.yaml` read. @default 64 MiB (large public repositories publish tens of MiB) */
  maxIndexBytes: number;
  /** Largest chart archive (compressed) or OCI manifest read. @default 20 MiB */
  maxArchiveBytes: number;
  /** Largest chart once unpacked, all files together. @default 100 MiB */
  maxUnpackedBytes: number;
  /** Limit of each request, redirects included. @default 30_000 */
  requestTimeoutMs: number;
}

/** The defaults of {@link ChartLimits}. */
export const DEFAULT_CHART_LIMITS: Readonly<ChartLimits> = Object.freeze({
  maxIndexBytes: 64 * 1024 * 1024,
  maxArchiveBytes: 20 * 1024 * 1024,
  maxUnpackedBytes: 100 * 1024 * 1024,
  requestTimeoutMs: 30_000,
});

/** The context of one resolve or pull. */
export interface ChartRequestOptions {
  credentials: ChartCredentials;
  policy: ChartUrlPolicy;
  limits: ChartLimits;
  signal?: AbortSignal;
}

/** The `Authorization` header value of resolved credentials. */
export function authHeader(credentials: ResolvedChartCredentials): string {
  if (credentials.kind === 'bearer') return `Bearer ${credentials.token}`;
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
}
