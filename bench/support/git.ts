/** `git` for the benches' repositories, with a fixed bench identity and errors that say where. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Mooring Bench',
  GIT_AUTHOR_EMAIL: 'bench@mooring.dev',
  GIT_COMMITTER_NAME: 'Mooring Bench',
  GIT_COMMITTER_EMAIL: 'bench@mooring.dev',
};

/** Runs `git <args>` in `cwd` and returns its trimmed stdout. */
export async function git(cwd: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await run('git', args, { cwd, env: GIT_ENV, maxBuffer: 64 * 2 ** 20 });
    return stdout.trim();
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`git ${args.join(' ')} in ${cwd} failed: ${e.stderr?.trim() || e.message}`, {
      cause: err,
    });
  }
}
