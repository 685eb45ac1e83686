/** How the benches summarize timed samples: median, nearest-rank p95, extremes and the samples. */

export interface Summary {
  runs: number;
  medianMs: number;
  p95Ms: number;
  minMs: number;
  maxMs: number;
  samplesMs: number[];
}

/** Nearest-rank percentile of ascending samples (with 7 samples, p95 is the largest). */
export function percentile(sorted: readonly number[], p: number): number {
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? NaN;
}

/** `decimals` rounds every figure (0: whole milliseconds). */
export function summarize(samples: readonly number[], decimals = 0): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
  const scale = 10 ** decimals;
  const round = (n: number): number => Math.round(n * scale) / scale;
  return {
    runs: sorted.length,
    medianMs: round(median),
    p95Ms: round(percentile(sorted, 95)),
    minMs: round(sorted[0] ?? NaN),
    maxMs: round(sorted.at(-1) ?? NaN),
    samplesMs: samples.map(round),
  };
}
