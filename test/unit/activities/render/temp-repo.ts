/** Temporary repository trees for render tests: `files` maps relative paths to contents. */
import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface TempRepo {
  root: string;
  /** Creates a symlink at `path` (relative to root) pointing at `target` (text as given). */
  link(path: string, target: string): Promise<void>;
  write(path: string, content: string): Promise<void>;
  remove(): Promise<void>;
}

export async function tempRepo(files: Record<string, string> = {}): Promise<TempRepo> {
  const root = await realpath(await mkdtemp(join(tmpdir(), 'mooring-render-test-')));
  const repo: TempRepo = {
    root,
    async write(path, content) {
      await mkdir(dirname(join(root, path)), { recursive: true });
      await writeFile(join(root, path), content);
    },
    async link(path, target) {
      await mkdir(dirname(join(root, path)), { recursive: true });
      await symlink(target, join(root, path));
    },
    remove: () => rm(root, { recursive: true, force: true }),
  };
  for (const [path, content] of Object.entries(files)) await repo.write(path, content);
  return repo;
}

/** A minimal manifest for `kind`/`name`, optionally namespaced. */
export function manifest(kind: string, name: string, namespace?: string): string {
  const apiVersion = kind === 'Deployment' ? 'apps/v1' : 'v1';
  const ns = namespace ? `\n  namespace: ${namespace}` : '';
  return `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: ${name}${ns}\n`;
}
