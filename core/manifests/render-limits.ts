/**
 * Bounds of one render: how long a tool may run and how much it may produce. Operator settings
 * of the agent (not per project); a render over a bound fails with a message naming the bound.
 */
import { ManifestInvalid } from '../../contract/errors.js';

/** Limits of one render. */
export interface RenderLimits {
  /** Kill a helm or kustomize run after this long. @default 120_000 */
  timeoutMs: number;
  /**
   * Largest output of one helm/kustomize run, and largest total size of the files of a plain
   * directory source. @default 64 MiB
   */
  maxOutputBytes: number;
  /** Most objects one render may produce. @default 10_000 */
  maxObjects: number;
}

/** The defaults of `RenderLimits`. */
export const DEFAULT_RENDER_LIMITS: Readonly<RenderLimits> = Object.freeze({
  timeoutMs: 120_000,
  maxOutputBytes: 64 * 1024 * 1024,
  maxObjects: 10_000,
});

/** `67108864` -> `64 MiB`; other sizes in bytes. */
export function formatBytes(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  return Number.isInteger(mib) ? `${mib} MiB` : `${bytes} bytes`;
}

/** Throws ManifestInvalid when `count` objects exceed `maxObjects`; `what` names the render. */
export function assertObjectLimit(what: string, count: number, maxObjects: number): void {
  if (count > maxObjects) {
    throw new ManifestInvalid(
      `${what} produced ${count} objects, more than the limit of ${maxObjects}; split the app or raise the agent's maxObjects render limit`,
    );
  }
}
