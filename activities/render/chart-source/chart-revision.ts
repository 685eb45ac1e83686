/**
 * The revision recorded for a chart source, pure: the exact chart version and the digest of what
 * was rendered (the chart archive for a chart repository, the manifest for an OCI registry),
 * written `<version>@sha256:<hex>`. It plays the part of a Git SHA: history records it, and a
 * rollback re-renders exactly the same bytes from it (a republished version no longer matches).
 */

/** A resolved chart version and the digest of its content. */
export interface ChartPin {
  /** The exact version, as the repository lists it. */
  version: string;
  /** `sha256:<64 hex>`. */
  digest: string;
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;
const VERSION = /^[0-9A-Za-z][0-9A-Za-z.+_-]{0,127}$/;

/** True for a `sha256:<64 lower-case hex>` digest. */
export function isDigest(text: string): boolean {
  return DIGEST.test(text);
}

/** `<version>@<digest>`. */
export function formatChartRevision(pin: ChartPin): string {
  return `${pin.version}@${pin.digest}`;
}

/** The pin of a recorded chart revision, or undefined when `text` is not one. */
export function parseChartRevision(text: string): ChartPin | undefined {
  const at = text.lastIndexOf('@');
  if (at < 0) return undefined;
  const version = text.slice(0, at);
  const digest = text.slice(at + 1);
  return VERSION.test(version) && isDigest(digest) ? { version, digest } : undefined;
}

/** True when `text` is a recorded chart revision (`1.2.3@sha256:...`). */
export function isChartRevision(text: string): boolean {
  return parseChartRevision(text) !== undefined;
}
