/**
 * The keys a project trusts to sign commits, pure: their shape and a check of that shape, so the
 * agent can refuse a bad policy file when it loads it rather than when a commit arrives.
 * Verification itself is `activities/git/verify-commit.ts`.
 */

/** Keys whose signatures a project accepts (as Argo CD `signatureKeys`, Flux `verify`). */
export interface TrustedSigningKeys {
  /** ASCII-armored OpenPGP public keys (`-----BEGIN PGP PUBLIC KEY BLOCK-----`). */
  gpgPublicKeys?: readonly string[];
  /**
   * Lines of an SSH allowed_signers file (ssh-keygen(1) "ALLOWED SIGNERS"):
   * `<principals> [options] <key type> <base64 key>`, e.g. `ci@acme.dev ssh-ed25519 AAAA...`.
   */
  sshAllowedSigners?: readonly string[];
}

const PUBLIC_KEY_BLOCK = /^-----BEGIN PGP PUBLIC KEY BLOCK-----[\s\S]+-----END PGP PUBLIC KEY BLOCK-----$/;
const SIGNER_LINE = /^\S+(?:\s+\S+)*?\s+(?:ssh-|ecdsa-|sk-)\S*\s+[A-Za-z0-9+/]+={0,3}(?:\s.*)?$/;

/**
 * The problem with `keys`, or `undefined` when they are usable: each GPG key one armored public
 * key block (never a private key), each allowed-signers line a principal and a public key, no line
 * breaks inside a line. `source` names where they come from in the message.
 */
export function signingKeysProblem(keys: TrustedSigningKeys, source = 'trusted keys'): string | undefined {
  for (const [index, key] of (keys.gpgPublicKeys ?? []).entries()) {
    const text = key.trim();
    if (/PRIVATE KEY/.test(text))
      return `${source}: gpgPublicKeys[${index}] is a private key: give the public key only`;
    if (!PUBLIC_KEY_BLOCK.test(text)) {
      return `${source}: gpgPublicKeys[${index}] is not an ASCII-armored public key: expected "-----BEGIN PGP PUBLIC KEY BLOCK-----" ... "-----END PGP PUBLIC KEY BLOCK-----" (gpg --armor --export <key id>)`;
    }
  }
  for (const [index, line] of (keys.sshAllowedSigners ?? []).entries()) {
    const text = line.trim();
    if (/PRIVATE KEY/.test(text))
      return `${source}: sshAllowedSigners[${index}] is a private key: give "<principal> <public key>"`;
    if (/[\r\n]/.test(text) || !SIGNER_LINE.test(text)) {
      return `${source}: sshAllowedSigners[${index}] is not an allowed-signers line: expected "<principal> <key type> <base64 public key>", e.g. "ci@acme.dev ssh-ed25519 AAAA..."`;
    }
  }
  return undefined;
}
