/** Chooses how an app directory is rendered, with Argo CD's rules. */
import { join } from 'node:path';
import type { AppSource } from '../../config/types.js';
import { findKustomization } from './render-kustomize.js';
import { exists } from './repo-paths.js';
import type { SourceType } from '../../core/manifests/types.js';

/**
 * The source type of `appDir`: the one explicit option block (`helm`, `kustomize` or `directory`)
 * when exactly one is set; otherwise a kustomization file means Kustomize, a `Chart.yaml` Helm,
 * and anything else a plain Directory.
 */
export async function detectSourceType(
  appDir: string,
  source: Pick<AppSource, 'helm' | 'kustomize' | 'directory'> = {},
): Promise<SourceType> {
  const explicit: SourceType[] = [];
  if (source.helm !== undefined) explicit.push('Helm');
  if (source.kustomize !== undefined) explicit.push('Kustomize');
  if (source.directory !== undefined) explicit.push('Directory');
  if (explicit.length === 1 && explicit[0]) return explicit[0];
  if (await findKustomization(appDir)) return 'Kustomize';
  if (await exists(join(appDir, 'Chart.yaml'))) return 'Helm';
  return 'Directory';
}
