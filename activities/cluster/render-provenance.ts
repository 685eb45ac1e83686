/**
 * Which apps rendered a manifest key on this agent. The store is content-addressed, so a plan input
 * (which arrives through Temporal) could name manifests rendered for another app, from a repository
 * the named app's project does not allow. Every render records its app next to the key, and a plan
 * may only use a key its own app rendered. Keys with no record at all were rendered before records
 * existed and stay usable.
 */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PolicyViolation } from '../../contract/errors.js';

const KEY = /^[0-9a-f]{64}$/;

function recordDir(storeDir: string, manifestKey: string): string {
  if (!KEY.test(manifestKey))
    throw new TypeError(
      `Invalid manifest key "${manifestKey.slice(0, 80)}": expected 64 lowercase hexadecimal characters`,
    );
  return join(storeDir, 'rendered-for', manifestKey);
}

/** Notes that `app` rendered `manifestKey` (idempotent). */
export async function recordRenderedFor(storeDir: string, manifestKey: string, app: string): Promise<void> {
  const dir = recordDir(storeDir, manifestKey);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFile(join(dir, encodeURIComponent(app)), '', { mode: 0o600 });
}

/** @throws {PolicyViolation} when the key was rendered, but never for `app` */
export async function assertRenderedFor(storeDir: string, manifestKey: string, app: string): Promise<void> {
  let apps: string[];
  try {
    apps = (await readdir(recordDir(storeDir, manifestKey))).map((f) => decodeURIComponent(f));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if (apps.length > 0 && !apps.includes(app))
    throw new PolicyViolation(
      `Refused by the agent: manifests ${manifestKey.slice(0, 12)} were rendered for ` +
        `${apps.length === 1 ? `app "${apps[0]}"` : `${apps.length} other apps`}, not for app "${app}"; ` +
        'a sync may only apply what its own app rendered',
    );
}
