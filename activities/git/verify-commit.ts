/**
 * Commit signature verification, for projects that require signed commits (as Argo CD's
 * `signatureKeys` and Flux's `verify`). A commit is deployable only when `git verify-commit`
 * accepts its signature against the project's keys and nothing else: GPG keys are imported into
 * a temporary GNUPGHOME holding only them (no agent started), SSH keys become a temporary
 * allowed_signers file (`gpg.ssh.allowedSignersFile`); git runs without user or system config, so
 * no keyring or trust setting of the worker counts.
 *
 * Decides, in order: unsigned → refused; X.509 signature → refused (not supported); then git's
 * verdict, read from its raw output: a good signature by a trusted key passes, anything else
 * (unknown key, bad signature, expired or revoked key, no verdict) throws CommitUnverified,
 * naming repo, short SHA, the signing key when known and why.
 */
import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommitUnverified } from '../../contract/errors.js';
import { redactUrl } from '../../core/git/redact.js';
import { signingKeysProblem, type TrustedSigningKeys } from '../../config/signing-keys.js';
import type { RepoCache } from './repo-cache.js';

export type { TrustedSigningKeys } from '../../config/signing-keys.js';

/** What {@link verifyCommitSignature} checks. */
export interface CommitVerificationRequest {
  repoURL: string;
  /** The full commit SHA about to be deployed. */
  sha: string;
  /** The keys the app's project trusts. */
  keys: TrustedSigningKeys;
  /** Stops the git and gpg commands. */
  signal?: AbortSignal;
}

/** A commit that passed verification. */
export interface VerifiedCommit {
  readonly sha: string;
  readonly format: 'gpg' | 'ssh';
  /** The GPG key fingerprint, or the SSH principal and key fingerprint. */
  readonly signer: string;
}

type Format = VerifiedCommit['format'] | 'x509';

/**
 * Resolves when commit `sha` of `repoURL` carries a good signature by one of `keys`; otherwise
 * throws CommitUnverified (non-retryable, the revision is at fault). Fetches the commit into the
 * cache's mirror first when needed.
 *
 * @throws {CommitUnverified} unsigned, signed by an untrusted key, or a bad signature
 * @throws {TypeError} when `keys` is malformed (see `signingKeysProblem`)
 */
export async function verifyCommitSignature(
  cache: RepoCache,
  request: CommitVerificationRequest,
): Promise<VerifiedCommit> {
  const { repoURL, keys, signal } = request;
  const sha = request.sha.toLowerCase();
  const problem = signingKeysProblem(keys);
  if (problem !== undefined) throw new TypeError(`Cannot verify commit signatures: ${problem}`);
  const refuse = (why: string): CommitUnverified =>
    new CommitUnverified(
      `Commit ${sha.slice(0, 12)} of "${redactUrl(repoURL)}" is not deployed: ${why}; the app's project requires commits signed by one of its trusted keys`,
    );
  const format = signatureFormat(await cache.readCommit(repoURL, sha, { signal }));
  if (format === undefined) throw refuse('it is not signed');
  if (format === 'x509')
    throw refuse('it is signed with an X.509 certificate, which Mooring does not verify');
  const dir = await mkdtemp(join(tmpdir(), 'mooring-verify-'));
  try {
    const trust = await prepareTrust(dir, keys, signal);
    const outcome = await cache.runVerifyCommit(repoURL, sha, trust, { signal });
    const verdict = format === 'gpg' ? gpgVerdict(outcome.stderr) : sshVerdict(outcome.stderr);
    if (outcome.code === 0 && verdict.good) return { sha, format, signer: verdict.signer ?? 'unknown' };
    throw refuse(verdict.why ?? `git verify-commit failed (exit code ${outcome.code})`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The signature format of a raw commit object, from its `gpgsig` header; `undefined` when unsigned. */
export function signatureFormat(rawCommit: string): Format | undefined {
  const headers = rawCommit.split('\n\n', 1)[0] ?? '';
  const signature = /^gpgsig(?:-sha256)? (.*)$/m.exec(headers)?.[1]?.trim();
  if (signature === undefined) return undefined;
  if (signature.startsWith('-----BEGIN SSH SIGNATURE-----')) return 'ssh';
  if (signature.startsWith('-----BEGIN PGP SIGNATURE-----')) return 'gpg';
  return 'x509';
}

/** Git's verdict read from its `--raw` output. */
interface Verdict {
  good: boolean;
  signer?: string;
  /** Why the signature is refused, when it is. */
  why?: string;
}

/** Reads gpg's status lines (`[GNUPG:] GOODSIG <keyid> ...`), as git prints them with `--raw`. */
export function gpgVerdict(output: string): Verdict {
  const status = (keyword: string): string[] | undefined =>
    new RegExp(`^\\[GNUPG:\\] ${keyword} (.*)$`, 'm').exec(output)?.[1]?.split(' ');
  const validsig = status('VALIDSIG')?.[0];
  const goodsig = status('GOODSIG')?.[0];
  if (goodsig !== undefined && validsig !== undefined) return { good: true, signer: validsig };
  const bad = status('BADSIG')?.[0];
  if (bad !== undefined)
    return {
      good: false,
      signer: bad,
      why: `its GPG signature by key ${bad} is bad (the commit or its signature was altered)`,
    };
  for (const [keyword, what] of [
    ['EXPKEYSIG', 'an expired key'],
    ['REVKEYSIG', 'a revoked key'],
    ['EXPSIG', 'an expired signature'],
  ] as const) {
    const key = status(keyword)?.[0];
    if (key !== undefined)
      return { good: false, signer: key, why: `it is signed by GPG key ${key}, with ${what}` };
  }
  const unknown = status('NO_PUBKEY')?.[0] ?? status('ERRSIG')?.[0];
  if (unknown !== undefined) {
    return {
      good: false,
      signer: unknown,
      why: `it is signed by GPG key ${unknown}, which the project does not trust`,
    };
  }
  return { good: false, why: 'git gave no verdict on its GPG signature' };
}

/** Reads ssh-keygen's words (`Good "git" signature for <principal> with <type> key <fpr>`). */
export function sshVerdict(output: string): Verdict {
  const good = /^Good "git" signature for (.+) with (\S+) key (\S+)$/m.exec(output);
  if (good) return { good: true, signer: `${good[1] ?? ''} (${good[2] ?? ''} key ${good[3] ?? ''})` };
  const key = /with (\S+) key (\S+)/.exec(output);
  const signer = key ? `${key[1] ?? ''} key ${key[2] ?? ''}` : undefined;
  if (/No principal matched|not in allowed signers/i.test(output)) {
    return {
      good: false,
      ...(signer === undefined ? {} : { signer }),
      why: `it is signed by SSH ${signer ?? 'key (unknown)'}, which no allowed signer of the project matches`,
    };
  }
  if (/Could not verify|verification failed|invalid|incorrect signature/i.test(output)) {
    return {
      good: false,
      ...(signer === undefined ? {} : { signer }),
      why: 'its SSH signature is bad (the commit or its signature was altered)',
    };
  }
  return { good: false, why: 'git gave no verdict on its SSH signature' };
}

/** Writes the temporary GNUPGHOME and allowed_signers file; returns git's settings for them. */
async function prepareTrust(
  dir: string,
  keys: TrustedSigningKeys,
  signal?: AbortSignal,
): Promise<{ configArgs: string[]; env: Record<string, string> }> {
  const gnupgHome = join(dir, 'gnupg');
  await mkdir(gnupgHome);
  await chmod(gnupgHome, 0o700);
  // No gpg-agent or dirmngr: verification needs neither, and nothing must outlive the call.
  await writeFile(join(gnupgHome, 'gpg.conf'), 'no-autostart\n');
  for (const [index, key] of (keys.gpgPublicKeys ?? []).entries()) {
    await importKey(gnupgHome, key, index, signal);
  }
  const signers = join(dir, 'allowed_signers');
  await writeFile(signers, (keys.sshAllowedSigners ?? []).map((line) => `${line.trim()}\n`).join(''));
  return {
    configArgs: ['-c', `gpg.ssh.allowedSignersFile=${signers}`],
    env: { GNUPGHOME: gnupgHome },
  };
}

function importKey(gnupgHome: string, key: string, index: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'gpg',
      ['--batch', '--no-autostart', '--homedir', gnupgHome, '--status-fd', '1', '--import'],
      { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', GNUPGHOME: gnupgHome }, timeout: 30_000, signal },
      (error, stdout) => {
        if (signal?.aborted) return reject(signal.reason as Error);
        if (/^\[GNUPG:\] IMPORT_OK /m.test(stdout)) return resolve();
        reject(
          new TypeError(
            `Cannot verify commit signatures: gpg could not import gpgPublicKeys[${index}]${error ? ` (${error.message.split('\n')[0] ?? ''})` : ''}`,
          ),
        );
      },
    );
    child.stdin?.end(key);
  });
}
