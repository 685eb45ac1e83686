/**
 * A private, writable copy of a checkout for a tool that must change files in place (kustomize
 * edits, SOPS-decrypted generator files): symlinks copied as they are (the checkout's symlink
 * check still holds for the copy), `.git` left out.
 */
import { cp } from 'node:fs/promises';
import { basename } from 'node:path';

export async function copyWorkTree(root: string, dest: string): Promise<void> {
  await cp(root, dest, {
    recursive: true,
    verbatimSymlinks: true,
    filter: (source) => basename(source) !== '.git',
  });
}
