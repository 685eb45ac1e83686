/**
 * A private copy of the checkout (mode 0700, in the OS temp directory, without `.git`) in which the
 * encrypted generator files are replaced by their decrypted content (mode 0600), for kustomize to
 * read. The checkout itself is never written: a file reached through a link that leaves the copy is
 * refused instead. The caller removes the copy when the render ends, whatever the outcome.
 */
import { copyWorkTree } from '../copy-work-tree.js';
import { chmod, lstat, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { ManifestInvalid } from '../../../contract/errors.js';
import { isInside } from '../repo-paths.js';
import type { EncryptedSourceFile } from './generator-files.js';
import type { SopsSandbox } from './sops-sandbox.js';

/** A decrypted copy of the checkout. */
export interface DecryptedCopy {
  /** Root of the copy, to render from. */
  root: string;
  /** Every line and value of the decrypted files, to mask in the messages of a failed render. */
  secretValues: string[];
  remove(): Promise<void>;
}

/** Values a tool may quote from a decrypted file: its lines and the values after `=` or `:`. */
export function plaintextValues(text: string): string[] {
  const values = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trim();
    values.add(trimmed);
    const separator = /[=:]/.exec(trimmed);
    if (separator)
      values.add(
        trimmed
          .slice(separator.index + 1)
          .trim()
          .replace(/^["']|["']$/g, ''),
      );
  }
  return [...values].filter((value) => value.length >= 4);
}

/** Replaces `target` in the copy by `content`, after checking it stays inside the copy. */
async function writeInside(copy: string, target: string, content: string, file: string): Promise<void> {
  const parent = await realpath(dirname(target));
  if (!isInside(copy, parent)) {
    throw new ManifestInvalid(
      `Cannot decrypt generator file "${file}": it is reached through a symlink with an absolute target; use a relative symlink or the file itself`,
    );
  }
  const path = join(parent, basename(target));
  await chmod(parent, 0o700);
  const existing = await lstat(path).catch(() => undefined);
  if (existing) await rm(path, { force: true });
  await writeFile(path, content, { mode: 0o600, flag: 'wx' });
}

/** Copies the checkout at `root` (a real path) and decrypts `files` into the copy. */
export async function decryptedCopy(
  root: string,
  files: readonly EncryptedSourceFile[],
  sandbox: SopsSandbox,
): Promise<DecryptedCopy> {
  const temp = await mkdtemp(join(tmpdir(), 'mooring-sops-src-'));
  const remove = (): Promise<void> => rm(temp, { recursive: true, force: true });
  try {
    const copy = join(temp, 'repo');
    await copyWorkTree(root, copy);
    const realCopy = await realpath(copy);
    const secretValues: string[] = [];
    for (const file of files) {
      const plain = await sandbox.decrypt(file.text, file.format, `file "${file.file}" (${file.field})`);
      secretValues.push(...plaintextValues(plain));
      const targets = new Set([relative(root, file.realPath), relative(root, file.path)]);
      for (const target of targets) await writeInside(realCopy, join(realCopy, target), plain, file.file);
    }
    return { root: realCopy, secretValues, remove };
  } catch (error) {
    await remove();
    throw error;
  }
}
