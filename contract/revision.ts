/**
 * Revisions as apps record them, pure. A Git source's is a full commit SHA. An app with several
 * sources records theirs in the order of `spec.sources`, joined by "," (a SHA, a version and a
 * digest never hold one). A chart source's: the exact chart version and the digest of what
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
const FULL_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
const SOURCES_SEPARATOR = ',';
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

/** Joins the revisions of an app's sources, in the order of its sources, into the app's revision. */
export function joinRevisions(revisions: readonly string[]): string {
  return revisions.join(SOURCES_SEPARATOR);
}

/** The revision of each source in an app's revision (one for an app with one source). */
export function splitRevisions(revision: string): string[] {
  return revision.split(SOURCES_SEPARATOR);
}

/** True when every source's part of `revision` is a full commit SHA or a chart pin. */
export function isRecordedRevision(revision: string): boolean {
  return splitRevisions(revision).every((part) => FULL_SHA.test(part) || isChartRevision(part));
}

/**
 * A revision as people read it: a commit's first 7 characters, a chart pin's version and the first
 * 8 hex digits of its digest (`1.2.3@sha256:0123abcd`); each source's, for several.
 */
export function shortRevision(revision: string): string {
  return splitRevisions(revision)
    .map((part) => {
      const pin = parseChartRevision(part);
      return pin ? `${pin.version}@${pin.digest.slice(0, 'sha256:'.length + 8)}` : part.slice(0, 7);
    })
    .join(SOURCES_SEPARATOR);
}
