import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gpgVerdict, signatureFormat, sshVerdict } from '../../../../activities/git/verify-commit.js';

const header = 'tree aaff\nauthor T <t@example.com> 1 +0000\ncommitter T <t@example.com> 1 +0000\n';

test('signatureFormat() tells unsigned, GPG, SSH and X.509 commits apart', () => {
  assert.equal(
    signatureFormat(`${header}\nmessage mentioning gpgsig -----BEGIN SSH SIGNATURE-----\n`),
    undefined,
  );
  assert.equal(signatureFormat(`${header}gpgsig -----BEGIN PGP SIGNATURE-----\n abc\n\nm\n`), 'gpg');
  assert.equal(signatureFormat(`${header}gpgsig -----BEGIN SSH SIGNATURE-----\n abc\n\nm\n`), 'ssh');
  assert.equal(signatureFormat(`${header}gpgsig-sha256 -----BEGIN SSH SIGNATURE-----\n abc\n\nm\n`), 'ssh');
  assert.equal(signatureFormat(`${header}gpgsig -----BEGIN SIGNED MESSAGE-----\n abc\n\nm\n`), 'x509');
});

test('gpgVerdict() reads good, bad, untrusted, expired and silent outcomes', () => {
  const good = gpgVerdict('[GNUPG:] GOODSIG BA82 Signer <s@x>\n[GNUPG:] VALIDSIG 232D02F5 2026-11-28\n');
  assert.deepEqual(good, { good: true, signer: '232D02F5' });
  assert.match(gpgVerdict('[GNUPG:] BADSIG BA82 Signer\n').why ?? '', /GPG signature by key BA82 is bad/);
  assert.match(
    gpgVerdict('[GNUPG:] ERRSIG BA82 22 8 00 1 9 232D\n[GNUPG:] NO_PUBKEY BA82\n').why ?? '',
    /signed by GPG key BA82, which the project does not trust/,
  );
  assert.match(gpgVerdict('[GNUPG:] EXPKEYSIG BA82 S\n').why ?? '', /with an expired key/);
  assert.equal(gpgVerdict('').good, false);
});

test('sshVerdict() reads good, unknown-principal, bad and silent outcomes', () => {
  const good = sshVerdict('Good "git" signature for ci@acme.dev with ED25519 key SHA256:H1oL\n');
  assert.deepEqual(good, { good: true, signer: 'ci@acme.dev (ED25519 key SHA256:H1oL)' });
  const untrusted = sshVerdict('Good "git" signature with ED25519 key SHA256:H1oL\nNo principal matched.\n');
  assert.equal(untrusted.good, false);
  assert.match(untrusted.why ?? '', /signed by SSH ED25519 key SHA256:H1oL, which no allowed signer/);
  assert.match(
    sshVerdict('Signature verification failed: incorrect signature\n').why ?? '',
    /SSH signature is bad/,
  );
  assert.equal(sshVerdict('').good, false);
});
