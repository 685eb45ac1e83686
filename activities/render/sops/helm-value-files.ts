/**
 * The SOPS-encrypted value files of a Helm source (helm-secrets' `secrets.yaml` style, named by
 * path in `helm.valueFiles`): each local entry resolved as the renderer resolves it (Argo CD's rules:
 * absolute from the repository root, relative from the chart directory, inside the checkout) and
 * kept when it carries the SOPS YAML or JSON marker. Remote entries, helm-secrets' `secrets://`
 * scheme and entries that do not resolve are left to the renderer, which refuses or reports them.
 * Never decrypts, never writes.
 */
import { readFile, stat } from 'node:fs/promises';
import { join, posix, resolve } from 'node:path';
import type { HelmSource } from '../../../config/types.js';
import { isRemoteValueFile } from '../../../core/manifests/remote-refs.js';
import { resolveValueFile } from '../render-helm.js';
import { repoRelative } from '../repo-paths.js';
import type { EncryptedSourceFile } from './generator-files.js';
import { fileRecipients, formatForPath } from './sops-metadata.js';

/** Larger value files are not read here (helm's output limit refuses them anyway). */
const MAX_FILE_BYTES = 64 * 1024 * 1024;

/** The encrypted `helm.valueFiles` of the chart in `chartDir` (real paths inside the real `root`). */
export async function findEncryptedValueFiles(
  root: string,
  chartDir: string,
  helm: HelmSource | undefined,
): Promise<EncryptedSourceFile[]> {
  const found: EncryptedSourceFile[] = [];
  for (const [index, entry] of (helm?.valueFiles ?? []).entries()) {
    if (isRemoteValueFile(entry)) continue;
    const realPath = await resolveValueFile(root, chartDir, entry).catch(() => undefined);
    if (!realPath) continue;
    const info = await stat(realPath);
    if (!info.isFile() || info.size > MAX_FILE_BYTES) continue;
    const format = formatForPath(entry) === 'json' ? 'json' : 'yaml';
    const text = await readFile(realPath, 'utf8');
    const recipients = fileRecipients(text, format);
    if (!recipients) continue;
    const path = entry.startsWith('/')
      ? join(root, posix.normalize(entry).slice(1))
      : resolve(chartDir, entry);
    found.push({
      path,
      realPath,
      file: repoRelative(root, path),
      field: `helm.valueFiles[${index}]`,
      format,
      recipients,
      text,
    });
  }
  return found;
}
