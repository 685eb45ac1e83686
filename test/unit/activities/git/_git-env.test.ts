import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gitInvocation } from '../../../../activities/git/_git-env.js';

const baseEnv = {
  PATH: '/usr/bin',
  HOME: '/home/w',
  GIT_DIR: '/evil',
  GIT_ASKPASS: '/evil',
  EDITOR: 'vim',
  HTTPS_PROXY: 'http://proxy:3128',
};
const askpassPath = '/cache/askpass.sh';

test('gitInvocation() starts from a small environment with prompts disabled', () => {
  const { env, configArgs, secrets } = gitInvocation(undefined, { askpassPath, baseEnv });
  assert.deepEqual(env, {
    PATH: '/usr/bin',
    HOME: '/home/w',
    HTTPS_PROXY: 'http://proxy:3128',
    LC_ALL: 'C',
    LANG: 'C',
    LANGUAGE: 'C',
    GIT_TERMINAL_PROMPT: '0',
  });
  assert.deepEqual(configArgs, ['-c', 'credential.helper=']);
  assert.deepEqual(secrets, []);
});

test('gitInvocation() hands a token to the askpass helper, never in argv', () => {
  const credentials = { urlPrefix: 'https://h/', username: 'bot', token: 'tok-inline' };
  const { env, configArgs, secrets } = gitInvocation(credentials, { askpassPath, baseEnv });
  assert.equal(env.GIT_ASKPASS, askpassPath);
  assert.equal(env.MOORING_GIT_USERNAME, 'bot');
  assert.equal(env.MOORING_GIT_TOKEN, 'tok-inline');
  assert.ok(!configArgs.join(' ').includes('tok-inline'));
  assert.deepEqual(secrets, ['tok-inline']);
});

test('gitInvocation() passes a token file by path, keeping the value out of the environment', () => {
  const credentials = {
    urlPrefix: 'https://h/',
    username: 'bot',
    token: 'tok-file',
    tokenFile: '/run/token',
  };
  const { env, secrets } = gitInvocation(credentials, { askpassPath, baseEnv });
  assert.equal(env.MOORING_GIT_TOKEN_FILE, '/run/token');
  assert.ok(!Object.values(env).includes('tok-file'));
  assert.deepEqual(secrets, ['tok-file']);
});

test('gitInvocation() gives an SSH key through GIT_SSH_COMMAND with IdentitiesOnly', () => {
  const credentials = {
    urlPrefix: 'git@h:',
    username: 'x',
    sshKeyFile: "/keys/it's",
    knownHostsFile: '/keys/known_hosts',
  };
  const { env } = gitInvocation(credentials, { askpassPath, baseEnv });
  assert.equal(
    env.GIT_SSH_COMMAND,
    "ssh -i '/keys/it'\\''s' -o IdentitiesOnly=yes -o BatchMode=yes -o UserKnownHostsFile='/keys/known_hosts'",
  );
  assert.equal(env.GIT_ASKPASS, undefined);
});
