/**
 * The manifest store holds decrypted Secrets once SOPS is in use: its files are already written
 * with mode 0600 (`writeFileAtomic`); this makes sure their directory is 0700 too, even when it
 * existed before with a looser mode. It never changes anything but the directory's mode.
 */
import { chmod, mkdir, stat } from 'node:fs/promises';

/** Creates `dir` (0700) or tightens its mode to 0700. @throws {Error} naming the directory */
export async function ensurePrivateDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    if (((await stat(dir)).mode & 0o077) !== 0) await chmod(dir, 0o700);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new Error(
      `Cannot make the manifest store ${dir} private (mode 0700) before storing decrypted objects: ${reason}`,
      { cause: error },
    );
  }
}
