import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ASKPASS_SCRIPT, gitInvocation } from '../../../../activities/git/_git-env.js';

const baseEnv = {
  PATH: '/usr/bin',
  HOME: '/home/w',
  GIT_DIR: '/evil',
  GIT_ASKPASS: '/evil',
  GIT_CONFIG_GLOBAL: '/evil',
  EDITOR: 'vim',
  HTTPS_PROXY: 'http://proxy:3128',
};
const options = {
  askpassPath: '/cache/askpass.sh',
  homeDir: '/cache/home',
  allowedSchemes: ['https', 'ssh'] as const,
  baseEnv,
};
const dir = mkdtempSync(join(tmpdir(), 'mooring-askpass-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('gitInvocation() starts from a small environment without user or system config', () => {
  const { env, secrets } = gitInvocation(undefined, options);
  assert.deepEqual(env, {
    PATH: '/usr/bin',
    HTTPS_PROXY: 'http://proxy:3128',
    HOME: '/cache/home',
    XDG_CONFIG_HOME: '/cache/home',
    GIT_CONFIG_NOSYSTEM: '1',
    LC_ALL: 'C',
    LANG: 'C',
    LANGUAGE: 'C',
    GIT_TERMINAL_PROMPT: '0',
  });
  assert.deepEqual(secrets, []);
});

test('gitInvocation() allows only the given transports, no redirects and no submodules', () => {
  const { configArgs } = gitInvocation(undefined, options);
  const settings = configArgs.filter((_, i) => i % 2 === 1);
  assert.ok(configArgs.every((arg, i) => i % 2 === 1 || arg === '-c'));
  assert.deepEqual(settings, [
    'credential.helper=',
    'protocol.allow=never',
    'protocol.https.allow=always',
    'protocol.ssh.allow=always',
    'http.followRedirects=false',
    'fetch.recurseSubmodules=false',
    'submodule.recurse=false',
  ]);
  const withFile = gitInvocation(undefined, { ...options, allowedSchemes: ['file'] }).configArgs;
  assert.ok(withFile.includes('protocol.file.allow=always'));
  assert.ok(!withFile.includes('protocol.https.allow=always'));
});

test('gitInvocation() hands a token to the askpass helper for the URL origin, never in argv', () => {
  const credentials = { urlPrefix: 'https://h/', origin: 'https://h', username: 'bot', token: 'tok-inline' };
  const { env, configArgs, secrets } = gitInvocation(credentials, options);
  assert.equal(env.GIT_ASKPASS, '/cache/askpass.sh');
  assert.equal(env.MOORING_GIT_ORIGIN, 'https://h');
  assert.equal(env.MOORING_GIT_USERNAME, 'bot');
  assert.equal(env.MOORING_GIT_TOKEN, 'tok-inline');
  assert.ok(!configArgs.join(' ').includes('tok-inline'));
  assert.deepEqual(secrets, ['tok-inline']);
});

test('gitInvocation() passes a token file by path, keeping the value out of the environment', () => {
  const credentials = {
    urlPrefix: 'https://h/',
    origin: 'https://h',
    username: 'bot',
    token: 'tok-file',
    tokenFile: '/run/token',
  };
  const { env, secrets } = gitInvocation(credentials, options);
  assert.equal(env.MOORING_GIT_TOKEN_FILE, '/run/token');
  assert.ok(!Object.values(env).includes('tok-file'));
  assert.deepEqual(secrets, ['tok-file']);
});

test('gitInvocation() gives no askpass to a token whose URL has no http(s) origin', () => {
  const credentials = { urlPrefix: 'git://h/', username: 'bot', token: 'tok-git' };
  const { env } = gitInvocation(credentials, options);
  assert.equal(env.GIT_ASKPASS, undefined);
  assert.equal(env.MOORING_GIT_TOKEN, undefined);
});

test('gitInvocation() gives an SSH key through GIT_SSH_COMMAND with IdentitiesOnly', () => {
  const credentials = {
    urlPrefix: 'git@h:',
    username: 'x',
    sshKeyFile: "/keys/it's",
    knownHostsFile: '/keys/known_hosts',
  };
  const { env } = gitInvocation(credentials, options);
  assert.equal(
    env.GIT_SSH_COMMAND,
    "ssh -i '/keys/it'\\''s' -o IdentitiesOnly=yes -o BatchMode=yes -o UserKnownHostsFile='/keys/known_hosts'",
  );
  assert.equal(env.GIT_ASKPASS, undefined);
});

test('the askpass helper answers only prompts for its own origin, printing nothing otherwise', () => {
  const script = join(dir, 'askpass.sh');
  writeFileSync(script, ASKPASS_SCRIPT, { mode: 0o700 });
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    MOORING_GIT_ORIGIN: 'https://git.example:8443',
    MOORING_GIT_USERNAME: 'bot',
    MOORING_GIT_TOKEN: 'tok-askpass',
  };
  const ask = (prompt: string): { code: number; out: string } => {
    try {
      return { code: 0, out: execFileSync(script, [prompt], { env }).toString() };
    } catch (error) {
      const failed = error as { status: number; stdout: Buffer };
      return { code: failed.status, out: failed.stdout.toString() };
    }
  };
  assert.deepEqual(ask("Username for 'https://git.example:8443': "), { code: 0, out: 'bot\n' });
  assert.deepEqual(ask("Password for 'https://bot@git.example:8443': "), { code: 0, out: 'tok-askpass\n' });
  for (const prompt of [
    "Password for 'https://bot@evil.example': ",
    "Password for 'http://bot@git.example:8443': ",
    "Password for 'https://bot@git.example:8443.evil.example': ",
    "Password for 'https://bot@git.example': ",
    "Password for 'https://bot@git.example:8443/other/repo': ",
    "Password for 'https://evil.example' or 'https://git.example:8443': ",
    'Enter passphrase for key: ',
  ]) {
    assert.deepEqual(ask(prompt), { code: 1, out: '' }, prompt);
  }
});
