import { test } from 'node:test';
import assert from 'node:assert/strict';
import { signingKeysProblem } from '../../../config/signing-keys.js';

const gpg = '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmDMEZ\n=abcd\n-----END PGP PUBLIC KEY BLOCK-----\n';
const ssh = 'ci@acme.dev ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEhZ8T8fZTMQYSvm comment';

test('signingKeysProblem() accepts armored public keys and allowed-signers lines', () => {
  assert.equal(signingKeysProblem({ gpgPublicKeys: [gpg], sshAllowedSigners: [ssh] }), undefined);
  assert.equal(
    signingKeysProblem({
      sshAllowedSigners: [`ci@acme.dev namespaces="git" ${ssh.split(' ').slice(1).join(' ')}`],
    }),
    undefined,
  );
  assert.equal(signingKeysProblem({}), undefined);
});

test('signingKeysProblem() names the bad entry: private keys, unarmored keys, malformed lines', () => {
  const cases: [Parameters<typeof signingKeysProblem>[0], RegExp][] = [
    [
      { gpgPublicKeys: ['-----BEGIN PGP PRIVATE KEY BLOCK-----\nx\n-----END PGP PRIVATE KEY BLOCK-----'] },
      /gpgPublicKeys\[0\] is a private key/,
    ],
    [{ gpgPublicKeys: [gpg, 'BA825ED3D33975F8'] }, /gpgPublicKeys\[1\] is not an ASCII-armored public key/],
    [{ sshAllowedSigners: ['ssh-ed25519 AAAA'] }, /sshAllowedSigners\[0\] is not an allowed-signers line/],
    [{ sshAllowedSigners: [`${ssh}\nother ssh-ed25519 AAAA`] }, /sshAllowedSigners\[0\]/],
  ];
  for (const [keys, message] of cases)
    assert.match(signingKeysProblem(keys, 'project "shop"') ?? '', message);
  assert.match(signingKeysProblem({ gpgPublicKeys: ['x'] }, 'project "shop"') ?? '', /^project "shop": /);
});
