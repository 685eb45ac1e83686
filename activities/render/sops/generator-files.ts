/**
 * The SOPS-encrypted files kustomize's `secretGenerator` reads (Flux's `DecryptSources`): from the
 * app's kustomization, through its local `resources`, `bases` and `components` directories, every
 * `files` entry (`key=path` or `path`) and `envs`/`env` entry whose file carries a SOPS marker.
 * Reads only inside the checkout (real paths checked); remote entries and files outside are left
 * to kustomize and the render policy, which refuse them. Never decrypts, never writes.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { isRemoteKustomizeBase } from '../../../core/manifests/remote-refs.js';
import { findKustomization } from '../render-kustomize.js';
import { isInside, repoRelative } from '../repo-paths.js';
import { fileRecipients, formatForPath, type SopsFormat, type SopsRecipients } from './sops-metadata.js';

/** Most kustomizations followed from one app, against cycles and fan-out bombs. */
const MAX_KUSTOMIZATIONS = 1000;
/** Larger generator files are not read here (kustomize's output limit refuses them anyway). */
const MAX_FILE_BYTES = 64 * 1024 * 1024;

/** One encrypted generator file. */
export interface EncryptedSourceFile {
  /** Path as the kustomization names it, resolved against its directory (may go through links). */
  path: string;
  /** Real path of the file, inside the checkout. */
  realPath: string;
  /** Repository-relative name, for messages. */
  file: string;
  /** The field naming it, e.g. `secretGenerator[0].envs[1] of "app/kustomization.yaml"`. */
  field: string;
  format: SopsFormat;
  recipients: SopsRecipients;
  text: string;
}

type Json = Record<string, unknown>;
const isMapping = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const strings = (value: unknown): string[] =>
  (Array.isArray(value) ? value : [value]).filter((item): item is string => typeof item === 'string');

/** `[field, path, format]` of every generator file of a parsed kustomization. */
function generatorRefs(kustomization: Json): [string, string, SopsFormat][] {
  const refs: [string, string, SopsFormat][] = [];
  const generators = Array.isArray(kustomization.secretGenerator) ? kustomization.secretGenerator : [];
  generators.forEach((generator, g) => {
    if (!isMapping(generator)) return;
    strings(generator.files).forEach((entry, i) => {
      const at = entry.indexOf('=');
      const key = at < 0 ? entry : entry.slice(0, at);
      refs.push([
        `secretGenerator[${g}].files[${i}]`,
        at < 0 ? entry : entry.slice(at + 1),
        formatForPath(key),
      ]);
    });
    const envs = [...strings(generator.envs), ...strings(generator.env)];
    envs.forEach((entry, i) => {
      const format = formatForPath(entry);
      refs.push([`secretGenerator[${g}].envs[${i}]`, entry, format === 'binary' ? 'dotenv' : format]);
    });
  });
  return refs;
}

/** Real path of `path` when it is inside `root`, else undefined (missing or escaping). */
async function realInside(root: string, path: string): Promise<string | undefined> {
  const real = await realpath(path).catch(() => undefined);
  return real !== undefined && isInside(root, real) ? real : undefined;
}

/**
 * The encrypted generator files reachable from `appDir` (real paths inside the real `root`), in
 * the order kustomizations are reached.
 */
export async function findEncryptedGeneratorFiles(
  root: string,
  appDir: string,
): Promise<EncryptedSourceFile[]> {
  const found: EncryptedSourceFile[] = [];
  const seenDirs = new Set<string>();
  const seenFiles = new Set<string>();
  const queue = [appDir];
  while (queue.length > 0 && seenDirs.size < MAX_KUSTOMIZATIONS) {
    const dir = queue.shift()!;
    if (seenDirs.has(dir)) continue;
    seenDirs.add(dir);
    const kustomizationFile = await findKustomization(dir);
    if (!kustomizationFile || !(await realInside(root, kustomizationFile))) continue;
    let kustomization: unknown;
    try {
      kustomization = parse(await readFile(kustomizationFile, 'utf8'));
    } catch {
      continue; // kustomize reports it
    }
    if (!isMapping(kustomization)) continue;
    const name = repoRelative(root, kustomizationFile);
    for (const [field, entry, format] of generatorRefs(kustomization)) {
      if (entry.includes('://')) continue;
      const path = resolve(dir, entry);
      const realPath = await realInside(root, path);
      if (!realPath || seenFiles.has(path)) continue;
      const info = await stat(realPath);
      if (!info.isFile() || info.size > MAX_FILE_BYTES) continue;
      const text = await readFile(realPath, 'utf8');
      const recipients = fileRecipients(text, format);
      if (!recipients) continue;
      seenFiles.add(path);
      found.push({
        path,
        realPath,
        file: repoRelative(root, path),
        field: `${field} of "${name}"`,
        format,
        recipients,
        text,
      });
    }
    for (const entry of [
      ...strings(kustomization.resources),
      ...strings(kustomization.bases),
      ...strings(kustomization.components),
    ]) {
      if (isRemoteKustomizeBase(entry)) continue;
      const real = await realInside(root, resolve(dir, entry));
      if (real && (await stat(real)).isDirectory()) queue.push(real);
    }
  }
  return found;
}
