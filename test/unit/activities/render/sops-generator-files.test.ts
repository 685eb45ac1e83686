/** Which secretGenerator files are found as SOPS-encrypted, and which are never read. */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { findEncryptedGeneratorFiles } from '../../../../activities/render/sops/generator-files.js';
import { tempRepo, type TempRepo } from './temp-repo.js';

const ENC = 'ENC[AES256_GCM,data:Zm9v,iv:aXY=,tag:dGFn,type:str]';
const AGE = 'age1n6d0qfhr6dacccqzhxhhz4r8zu3lmr08js0x5a92ltpumy3efvesvauksn';
const DOTENV = `TOKEN=${ENC}\nsops_age__list_0__map_recipient=${AGE}\nsops_mac=${ENC}\n`;
const BINARY = JSON.stringify({ data: ENC, sops: { age: [{ recipient: AGE }], mac: ENC } }, null, '\t');

describe('findEncryptedGeneratorFiles', () => {
  let repo: TempRepo;
  let outside: string;

  before(async () => {
    outside = await mkdtemp(join(tmpdir(), 'mooring-sops-outside-'));
    await writeFile(join(outside, 'stolen.env'), DOTENV);
    repo = await tempRepo({
      'app/kustomization.yaml': [
        'resources:',
        '- ../base',
        '- https://github.com/example/remote//base?ref=v1',
        'secretGenerator:',
        '- name: app',
        '  envs: [app.env, clear.env]',
        '  files: [tls.crt=cert.pem, missing.txt]',
        '- name: escape',
        '  envs: [escape.env]',
        '',
      ].join('\n'),
      'app/app.env': DOTENV,
      'app/clear.env': 'A=1\n',
      'app/cert.pem': BINARY,
      'base/kustomization.yaml': 'secretGenerator:\n- name: base\n  env: base.env\n',
      'base/base.env': DOTENV,
    });
    await repo.link('app/escape.env', join(outside, 'stolen.env'));
  });
  after(async () => {
    await repo.remove();
    await rm(outside, { recursive: true, force: true });
  });

  it('finds encrypted envs and files through local bases, with their field and format', async () => {
    const found = await findEncryptedGeneratorFiles(repo.root, join(repo.root, 'app'));
    assert.deepEqual(
      found.map((f) => [f.file, f.format, f.field, f.recipients.age]),
      [
        ['app/cert.pem', 'binary', 'secretGenerator[0].files[0] of "app/kustomization.yaml"', [AGE]],
        ['app/app.env', 'dotenv', 'secretGenerator[0].envs[0] of "app/kustomization.yaml"', [AGE]],
        ['base/base.env', 'dotenv', 'secretGenerator[0].envs[0] of "base/kustomization.yaml"', [AGE]],
      ],
    );
  });

  it('never reads a file through a symlink leaving the repository', async () => {
    const found = await findEncryptedGeneratorFiles(repo.root, join(repo.root, 'app'));
    assert.equal(
      found.some((f) => f.file.includes('escape')),
      false,
    );
  });
});
