/**
 * A real local bare Git repository for end-to-end tests: seeded from an example directory, with a
 * working clone to make further commits. Apps point their `repoURL` at the bare repository's path.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'Mooring Test',
  GIT_AUTHOR_EMAIL: 'test@mooring.dev',
  GIT_COMMITTER_NAME: 'Mooring Test',
  GIT_COMMITTER_EMAIL: 'test@mooring.dev',
};

/** A bare repository (`url`) and a clone to commit into; `remove` deletes both. */
export interface TestGitRepo {
  /** Path of the bare repository: the app's `repoURL`. */
  url: string;
  /** The branch apps follow. */
  branch: string;
  /** Writes (or, with `null`, deletes) files relative to the repository root, commits and pushes; returns the SHA. */
  commit(message: string, files: Record<string, string | null>): Promise<string>;
  /** Reads a file as committed last. */
  read(path: string): Promise<string>;
  /** SHA of the branch head. */
  head(): Promise<string>;
  remove(): Promise<void>;
}

async function git(cwd: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await execFileAsync('git', args, { cwd, env: { ...process.env, ...GIT_ENV } });
    return stdout.trim();
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`git ${args.join(' ')} in ${cwd} failed: ${e.stderr?.trim() || e.message}`, {
      cause: err,
    });
  }
}

/**
 * Creates a bare repository whose first commit holds `seedDir` copied under `path` (e.g. the
 * guestbook example under `guestbook/`).
 */
export async function createTestGitRepo(
  seedDir: string,
  path: string,
  branch = 'main',
): Promise<TestGitRepo> {
  const root = await mkdtemp(join(tmpdir(), 'mooring-e2e-git-'));
  const url = join(root, 'repo.git');
  const work = join(root, 'work');
  await git(root, ['init', '--quiet', '--bare', `--initial-branch=${branch}`, url]);
  await git(root, ['init', '--quiet', `--initial-branch=${branch}`, work]);
  await cp(seedDir, join(work, path), { recursive: true });
  await git(work, ['add', '-A']);
  await git(work, ['commit', '--quiet', '-m', `seed ${path}`]);
  await git(work, ['remote', 'add', 'origin', url]);
  await git(work, ['push', '--quiet', 'origin', branch]);

  return {
    url,
    branch,
    async commit(message, files) {
      for (const [file, content] of Object.entries(files)) {
        const target = join(work, file);
        if (content === null) {
          await rm(target, { force: true });
        } else {
          await mkdir(dirname(target), { recursive: true });
          await writeFile(target, content);
        }
      }
      await git(work, ['add', '-A']);
      await git(work, ['commit', '--quiet', '--allow-empty', '-m', message]);
      await git(work, ['push', '--quiet', 'origin', branch]);
      return await git(work, ['rev-parse', 'HEAD']);
    },
    async read(file) {
      return await readFile(join(work, file), 'utf8');
    },
    async head() {
      return await git(work, ['rev-parse', 'HEAD']);
    },
    async remove() {
      await rm(root, { recursive: true, force: true });
    },
  };
}
