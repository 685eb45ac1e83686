/**
 * Commit signature verification against real signatures: GPG keys made with `gpg --batch
 * --quick-gen-key` in a temporary GNUPGHOME and SSH keys made with `ssh-keygen`, commits signed by
 * git itself into a local bare repository.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommitUnverified } from '../../contract/errors.js';
import {
  GitCredentials,
  RepoCache,
  verifyCommitSignature,
  type TrustedSigningKeys,
} from '../../activities/git/index.js';

const root = mkdtempSync(join(tmpdir(), 'mooring-verify-'));
const gnupgHome = join(root, 'gnupg');
const remote = join(root, 'remote.git');
const work = join(root, 'work');
const env = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: root,
  GNUPGHOME: gnupgHome,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'trusted@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'trusted@example.com',
};
function run(command: string, args: string[], cwd = root, input?: string): string {
  return execFileSync(command, args, { cwd, env, input, stdio: ['pipe', 'pipe', 'pipe'] })
    .toString()
    .trim();
}
const git = (...args: string[]): string => run('git', args, work);

/** A GPG key in the signer's keyring: its fingerprint and armored public key. */
function gpgKey(uid: string): { fingerprint: string; armored: string } {
  run('gpg', ['--batch', '--passphrase', '', '--quick-gen-key', uid, 'ed25519', 'sign', 'never']);
  const listing = run('gpg', ['--batch', '--with-colons', '--list-keys', uid]);
  const fingerprint = /^fpr:+([0-9A-F]{40}):/m.exec(listing)?.[1] ?? '';
  return { fingerprint, armored: run('gpg', ['--batch', '--armor', '--export', fingerprint]) };
}
/** An SSH key pair: the private key path and an allowed-signers line for its public key. */
function sshKey(name: string, principal: string): { path: string; signer: string } {
  const path = join(root, name);
  run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', path]);
  const [type, key] = readFileSync(`${path}.pub`, 'utf8').split(' ');
  return { path, signer: `${principal} ${type ?? ''} ${key ?? ''}` };
}
/** Commits on a new branch `name` (signed as `sign` says) and pushes it; returns the SHA. */
function commitAs(name: string, sign: string[]): string {
  writeFileSync(join(work, 'app.yaml'), `branch: ${name}\n`);
  git('add', '-A');
  git(...sign, 'commit', '-q', '-m', name);
  git('push', '-q', remote, `HEAD:refs/heads/${name}`);
  return git('rev-parse', 'HEAD');
}

let gpgTrusted = { fingerprint: '', armored: '' };
let gpgOther = { fingerprint: '', armored: '' };
let sshTrusted = { path: '', signer: '' };
let sshOther = { path: '', signer: '' };
const sha: Record<string, string> = {};
let cache: RepoCache;

before(() => {
  mkdirSync(gnupgHome, { mode: 0o700 });
  gpgTrusted = gpgKey('Trusted <trusted@example.com>');
  gpgOther = gpgKey('Other <other@example.com>');
  sshTrusted = sshKey('ssh-trusted', 'trusted@example.com');
  sshOther = sshKey('ssh-other', 'other@example.com');
  run('git', ['init', '-q', '--bare', '-b', 'main', remote]);
  run('git', ['init', '-q', '-b', 'main', work]);
  sha.unsigned = commitAs('unsigned', ['-c', 'commit.gpgsign=false']);
  sha.gpgTrusted = commitAs('gpg-trusted', [
    '-c',
    `user.signingkey=${gpgTrusted.fingerprint}`,
    '-c',
    'commit.gpgsign=true',
  ]);
  sha.gpgOther = commitAs('gpg-other', [
    '-c',
    `user.signingkey=${gpgOther.fingerprint}`,
    '-c',
    'commit.gpgsign=true',
  ]);
  const ssh = ['-c', 'gpg.format=ssh', '-c', 'commit.gpgsign=true'];
  sha.sshTrusted = commitAs('ssh-trusted', [...ssh, '-c', `user.signingkey=${sshTrusted.path}`]);
  sha.sshOther = commitAs('ssh-other', [...ssh, '-c', `user.signingkey=${sshOther.path}`]);
  // The trusted GPG signature over an altered message: same signature, different content.
  const altered = run('git', ['cat-file', 'commit', sha.gpgTrusted], work).replace(
    /gpg-trusted$/,
    'altered\n',
  );
  sha.gpgAltered = run('git', ['hash-object', '-t', 'commit', '-w', '--stdin'], work, altered);
  git('push', '-q', remote, `${sha.gpgAltered}:refs/heads/gpg-altered`);
  cache = new RepoCache({
    cacheDir: join(root, 'cache'),
    credentials: new GitCredentials([]),
    allowedSchemes: ['file'],
  });
});
after(() => {
  run('gpgconf', ['--kill', 'all']); // the signer's gpg-agent, started by key generation
  execFileSync('chmod', ['-R', 'u+w', root]);
  rmSync(root, { recursive: true, force: true });
});

async function refusal(commit: string, keys: TrustedSigningKeys): Promise<string> {
  const error = await verifyCommitSignature(cache, { repoURL: remote, sha: commit, keys }).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof CommitUnverified, `expected CommitUnverified, got ${String(error)}`);
  assert.equal(error.retryable, false);
  assert.ok(
    error.message.startsWith(`Commit ${commit.slice(0, 12)} of "${remote}" is not deployed: `),
    error.message,
  );
  return error.message;
}

describe('verifyCommitSignature with GPG keys', () => {
  const keys = (): TrustedSigningKeys => ({ gpgPublicKeys: [gpgTrusted.armored] });

  test('passes a commit signed by a trusted key', async () => {
    const verified = await verifyCommitSignature(cache, {
      repoURL: remote,
      sha: sha.gpgTrusted ?? '',
      keys: keys(),
    });
    assert.deepEqual(verified, { sha: sha.gpgTrusted, format: 'gpg', signer: gpgTrusted.fingerprint });
  });

  test('refuses an unsigned commit', async () => {
    assert.match(await refusal(sha.unsigned ?? '', keys()), /: it is not signed; the app's project requires/);
  });

  test('refuses a commit signed by another key, naming that key', async () => {
    const message = await refusal(sha.gpgOther ?? '', keys());
    assert.match(
      message,
      new RegExp(`signed by GPG key ${gpgOther.fingerprint.slice(-16)}, which the project does not trust`),
    );
  });

  test('refuses a trusted signature over altered content', async () => {
    assert.match(await refusal(sha.gpgAltered ?? '', keys()), /GPG signature by key \w+ is bad/);
  });

  test('refuses every signed commit when the project trusts no key', async () => {
    assert.match(await refusal(sha.gpgTrusted ?? '', {}), /which the project does not trust/);
  });
});

describe('verifyCommitSignature with SSH keys', () => {
  const keys = (): TrustedSigningKeys => ({ sshAllowedSigners: [sshTrusted.signer] });

  test('passes a commit signed by a trusted key', async () => {
    const verified = await verifyCommitSignature(cache, {
      repoURL: remote,
      sha: sha.sshTrusted ?? '',
      keys: keys(),
    });
    assert.equal(verified.format, 'ssh');
    assert.match(verified.signer, /^trusted@example\.com \(ED25519 key SHA256:\S+\)$/);
  });

  test('refuses an unsigned commit', async () => {
    assert.match(await refusal(sha.unsigned ?? '', keys()), /: it is not signed;/);
  });

  test('refuses a commit signed by another key, naming its fingerprint', async () => {
    const fingerprint = run('ssh-keygen', ['-l', '-f', `${sshOther.path}.pub`]).split(' ')[1] ?? '';
    const message = await refusal(sha.sshOther ?? '', keys());
    assert.ok(message.includes(`signed by SSH ED25519 key ${fingerprint}, which no allowed signer`), message);
  });

  test('refuses a GPG-signed commit when only SSH keys are trusted', async () => {
    assert.match(await refusal(sha.gpgTrusted ?? '', keys()), /which the project does not trust/);
  });
});
