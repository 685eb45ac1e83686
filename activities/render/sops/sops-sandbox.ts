/**
 * The private directory `sops` and `age-keygen` run in: mode 0700, holding the documents being
 * decrypted (mode 0600) and a `bin` directory with links to the two binaries, which is the tools'
 * whole PATH. Their environment is that PATH and, for sops, `SOPS_AGE_KEY_FILE`: no HOME (so no
 * `~/.config/sops/age/keys.txt` or SSH keys of the agent's user), no cloud, Vault or GnuPG settings,
 * no proxy. Each run has a time and output limit; the directory is removed whatever the outcome.
 */
import { access, constants, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { ManifestInvalid } from '../../../contract/errors.js';
import { runTool, toolBinary } from '../run-tool.js';
import type { SopsFormat } from './sops-metadata.js';

/** Limits of each sops run. */
export interface SopsRunLimits {
  /** @default 30_000 */
  timeoutMs?: number;
  /** Largest decrypted output. @default 16 MiB */
  maxOutputBytes?: number;
  signal?: AbortSignal;
}

/** A live sandbox. */
export interface SopsSandbox {
  dir: string;
  /** Decrypts `text` of `format` with the key file; `what` names the object or file in errors. */
  decrypt(text: string, format: SopsFormat, what: string): Promise<string>;
  /** The public recipients of the identities in `keyFile` (`age-keygen -y`). */
  recipients(keyFile: string): Promise<string[]>;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_OUTPUT_BYTES = 16 * 1024 * 1024;
const TOOLS = ['sops', 'age-keygen'] as const;

/** The absolute path of `tool`'s binary (its MOORING_* variable, else the agent's PATH). */
async function resolveBinary(tool: (typeof TOOLS)[number]): Promise<string | undefined> {
  const binary = toolBinary(tool);
  if (binary.includes('/')) return isAbsolute(binary) ? binary : resolve(binary);
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, binary);
    const found = await access(candidate, constants.X_OK).then(
      () => true,
      () => false,
    );
    if (found) return candidate;
  }
  return undefined;
}

/** SOPS quotes a value it cannot parse as ENC[...]; Flux redacts it, so do we. */
function redactSopsMessage(message: string): string {
  return message.replace(
    /Input string [\s\S]*? does not match sops' data format/g,
    "Input string <redacted> does not match sops' data format",
  );
}

/** Runs `fn` with a fresh sandbox in which sops uses `keyFile`, then removes it. */
export async function withSopsSandbox<T>(
  keyFile: string | undefined,
  limits: SopsRunLimits,
  fn: (sandbox: SopsSandbox) => Promise<T>,
): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'mooring-sops-'));
  try {
    const bin = join(dir, 'bin');
    const work = join(dir, 'work');
    await mkdir(bin, { mode: 0o700 });
    await mkdir(work, { mode: 0o700 });
    for (const tool of TOOLS) {
      const target = await resolveBinary(tool);
      if (target) await symlink(target, join(bin, toolBinary(tool).split('/').pop() ?? tool));
    }
    const run = {
      cwd: work,
      timeoutMs: limits.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      maxOutputBytes: limits.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES,
      signal: limits.signal,
      aliases: { [dir]: '<sandbox>' },
    };
    let count = 0;
    return await fn({
      dir,
      async decrypt(text, format, what) {
        if (!keyFile) throw new TypeError(`Cannot decrypt ${what}: no age key file`);
        count += 1;
        const input = join(work, `input-${count}`);
        await writeFile(input, text, { mode: 0o600, flag: 'wx' });
        const args = ['decrypt', '--input-type', format, '--output-type', format, '--ignore-mac', input];
        try {
          return await runTool('sops', args, {
            ...run,
            env: { PATH: bin, SOPS_AGE_KEY_FILE: keyFile },
            failure: `Decrypting ${what} with sops failed`,
          });
        } catch (error) {
          if (!(error instanceof ManifestInvalid)) throw error;
          throw new ManifestInvalid(redactSopsMessage(error.message));
        } finally {
          await rm(input, { force: true });
        }
      },
      async recipients(file) {
        try {
          const output = await runTool('age-keygen', ['-y', file], {
            ...run,
            env: { PATH: bin },
            failure: 'age-keygen -y failed',
          });
          return output.split(/\r?\n/).filter((line) => line.startsWith('age1'));
        } catch (error) {
          // Its complaint may quote the key file: never pass it on.
          if (!(error instanceof ManifestInvalid)) throw error;
          // eslint-disable-next-line preserve-caught-error -- the cause would carry the key file's lines
          throw new Error(
            `The agent's age key file ${file} holds no usable age identity (age-keygen -y refused it); fix the file named by the agent's SOPS key setting (docs/SOPS.md)`,
          );
        }
      },
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
