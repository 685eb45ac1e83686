/**
 * Files of published Go modules, from Go's module cache (`go mod download`, cached by version; a
 * cold cache downloads once from the module proxy). The checks of deploy/ and docker-compose.yml
 * read upstream's own files this way instead of copies: the Compose specification's JSON schema
 * and KEDA's CRDs.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** compose-go ships the Compose specification's schema (schema/compose-spec.json). */
export const COMPOSE_GO = { path: 'github.com/compose-spec/compose-go/v2', version: 'v2.16.2' } as const;
/** KEDA's CRDs (config/crd/bases/*.yaml); KEDA >= 2.17 has the temporal scaler. */
export const KEDA = { path: 'github.com/kedacore/keda/v2', version: 'v2.21.0' } as const;

/** The directory of `module` in the module cache, downloading it when missing. */
export function goModuleDir(module: { path: string; version: string }): string {
  const ref = `${module.path}@${module.version}`;
  let out: string;
  try {
    out = execFileSync('go', ['mod', 'download', '-json', ref], {
      encoding: 'utf8',
      // Outside any module, so the project's own go.mod files are not consulted.
      cwd: '/',
      env: { ...process.env, GOFLAGS: '-mod=mod' },
      timeout: 300_000,
      maxBuffer: 4 * 1024 * 1024,
    });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `go mod download ${ref} failed: ${(e.stdout || e.stderr || e.message).trim()} (Go and the module proxy, GOPROXY, must be reachable)`,
      { cause: err },
    );
  }
  const info = JSON.parse(out) as { Dir?: string; Error?: string };
  if (info.Error || !info.Dir)
    throw new Error(`go mod download ${ref}: ${info.Error ?? 'no Dir in its output'}`);
  return info.Dir;
}

export function composeSchemaFile(): string {
  return join(goModuleDir(COMPOSE_GO), 'schema', 'compose-spec.json');
}

export function kedaCrdDir(): string {
  return join(goModuleDir(KEDA), 'config', 'crd', 'bases');
}
