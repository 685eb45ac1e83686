/**
 * KEDA's real CRDs on the local cluster, from KEDA's published Go module (config/crd/bases, version
 * pinned in scripts/compose/go-module.ts), for tests that dry-run deploy/keda.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { KEDA, kedaCrdDir } from '../../scripts/compose/go-module.js';
import { kubectl } from './stack.js';
import { waitFor } from './wait.js';

/**
 * Installs each KEDA CRD the cluster does not serve yet (server-side apply, field manager
 * `fieldManager`) and waits until it is Established. Returns a function that deletes exactly the
 * CRDs this call installed.
 */
export async function installKedaCrds(fieldManager: string): Promise<() => Promise<void>> {
  const installed: string[] = [];
  for (const file of readdirSync(kedaCrdDir())
    .filter((f) => f.endsWith('.yaml'))
    .sort()) {
    const path = join(kedaCrdDir(), file);
    const crd = parseAllDocuments(readFileSync(path, 'utf8'))[0]?.toJS() as { metadata: { name: string } };
    const present = await kubectl(['get', 'crd', crd.metadata.name, '--ignore-not-found', '-o', 'name']);
    if (present) continue;
    await kubectl(['apply', '--server-side', `--field-manager=${fieldManager}`, '-f', path]);
    installed.push(crd.metadata.name);
  }
  for (const name of installed)
    await waitFor(
      `CRD ${name} (KEDA ${KEDA.version}) to be Established`,
      async () =>
        (await kubectl([
          'get',
          'crd',
          name,
          '-o',
          'jsonpath={.status.conditions[?(@.type=="Established")].status}',
        ])) === 'True' || undefined,
      { timeoutMs: 60_000, intervalMs: 250 },
    );
  return async () => {
    for (const name of installed) await kubectl(['delete', 'crd', name, '--ignore-not-found']);
  };
}
