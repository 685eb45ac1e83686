import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  isRemoteKustomizeBase,
  isRemoteKustomizeFile,
  isRemoteValueFile,
} from '../../../../core/manifests/remote-refs.js';

describe('isRemoteValueFile', () => {
  it('treats anything with a URL scheme as remote, as helm asks a getter for it', () => {
    for (const entry of [
      'https://x.example/v.yaml',
      'http://10.0.0.1/v',
      'oci://r/c',
      's3://b/v.yaml',
      'secrets://v.yaml',
      'file:///etc/passwd',
    ])
      assert.equal(isRemoteValueFile(entry), true, entry);
  });

  it('keeps repository paths local', () => {
    for (const entry of [
      'values.yaml',
      './values-prod.yaml',
      '/envs/prod/values.yaml',
      '../common/values.yaml',
    ])
      assert.equal(isRemoteValueFile(entry), false, entry);
  });
});

describe('isRemoteKustomizeBase', () => {
  it('recognizes URLs, scp-like, public Git hosts and go-getter forms', () => {
    for (const entry of [
      'https://github.com/org/repo//base?ref=v1',
      'ssh://git@host/org/repo.git',
      'git::https://host/org/repo',
      'gh:org/repo',
      'git@github.com:org/repo.git',
      'github.com/org/repo/base',
      'gitlab.com/org/repo',
      'host.example/org/repo//deploy',
      'base?ref=main',
      'https://dev.azure.com/org/project/_git/repo',
      'file:///srv/repo',
    ])
      assert.equal(isRemoteKustomizeBase(entry), true, entry);
  });

  it('keeps local files and directories local', () => {
    for (const entry of ['deployment.yaml', '../base', 'overlays/prod', './components/x', 'app.v2/base'])
      assert.equal(isRemoteKustomizeBase(entry), false, entry);
  });
});

describe('isRemoteKustomizeFile', () => {
  it('flags URLs, including `key=url` generator entries', () => {
    assert.equal(isRemoteKustomizeFile('https://x.example/patch.yaml'), true);
    assert.equal(isRemoteKustomizeFile('config.json=http://169.254.169.254/latest'), true);
    assert.equal(isRemoteKustomizeFile('config.json=files/config.json'), false);
    assert.equal(isRemoteKustomizeFile('patch.yaml'), false);
  });
});
