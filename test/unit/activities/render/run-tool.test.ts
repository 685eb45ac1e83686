import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '../../../support/wait.js';
import { ManifestInvalid } from '../../../../contract/errors.js';
import { cleanToolOutput, runTool, toolBinary } from '../../../../activities/render/run-tool.js';

describe('toolBinary', () => {
  it('uses MOORING_KUSTOMIZE / MOORING_HELM, else the name on PATH', () => {
    assert.equal(toolBinary('kustomize', { MOORING_KUSTOMIZE: '/opt/kustomize' }), '/opt/kustomize');
    assert.equal(toolBinary('helm', { MOORING_HELM: '/opt/helm' }), '/opt/helm');
    assert.equal(toolBinary('helm', {}), 'helm');
  });
});

describe('cleanToolOutput', () => {
  it('trims, drops the Error prefix, removes URL credentials and replaces temporary paths', () => {
    const stderr =
      '\n Error: open /tmp/mooring-kustomize-1/repo/app/x.yaml: failed to fetch https://bot:s3cr3t@git.example.com/r.git\n';
    assert.equal(
      cleanToolOutput(stderr, { '/tmp/mooring-kustomize-1/repo': '<repo>' }),
      'open <repo>/app/x.yaml: failed to fetch https://git.example.com/r.git',
    );
  });

  it('bounds the length', () => {
    assert.equal(cleanToolOutput('x'.repeat(10_000)).length, 4003);
  });
});

describe('runTool', () => {
  it('says how to configure a missing binary, as a retryable Error', async () => {
    const previous = process.env.MOORING_HELM;
    process.env.MOORING_HELM = '/nonexistent/helm';
    try {
      await assert.rejects(
        runTool('helm', ['version'], { cwd: '/', failure: 'Rendering "x" with helm failed' }),
        (error: unknown) => {
          assert.ok(error instanceof Error && !(error instanceof ManifestInvalid));
          assert.equal(
            error.message,
            'Cannot run helm: "/nonexistent/helm" was not found; put it on PATH or set MOORING_HELM',
          );
          return true;
        },
      );
    } finally {
      if (previous === undefined) delete process.env.MOORING_HELM;
      else process.env.MOORING_HELM = previous;
    }
  });
});

describe('runTool limits and environment', () => {
  let previous: string | undefined;
  before(() => {
    previous = process.env.MOORING_HELM;
    process.env.MOORING_HELM = '/bin/sh';
  });
  after(() => {
    if (previous === undefined) delete process.env.MOORING_HELM;
    else process.env.MOORING_HELM = previous;
  });
  const failure = 'Rendering "chart" with helm failed';

  it('runs the tool with exactly the given environment', async () => {
    process.env.KUBECONFIG_PLANTED = 'x';
    try {
      const out = await runTool('helm', ['-c', 'env'], {
        cwd: '/',
        failure,
        env: { PATH: '/usr/bin:/bin', ONLY: '1' },
      });
      const names = out
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split('=')[0]);
      assert.deepEqual(names.filter((name) => name !== 'PWD' && name !== 'SHLVL' && name !== '_').sort(), [
        'ONLY',
        'PATH',
      ]);
    } finally {
      delete process.env.KUBECONFIG_PLANTED;
    }
  });

  it('fails clearly when stdout exceeds the output limit', async () => {
    await assert.rejects(
      runTool('helm', ['-c', 'while :; do echo xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx; done'], {
        cwd: '/',
        failure,
        maxOutputBytes: 1024 * 1024,
      }),
      new ManifestInvalid(
        `${failure}: output exceeds 1 MiB; make the app smaller or raise the agent's maxOutputBytes render limit`,
      ),
    );
  });

  it('kills the tool and what it started when the time limit passes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mooring-run-tool-'));
    try {
      const pidFile = join(dir, 'child.pid');
      await assert.rejects(
        runTool('helm', ['-c', `sleep 60 & echo $! > ${pidFile}; wait`], {
          cwd: '/',
          failure,
          timeoutMs: 300,
        }),
        (error: unknown) => {
          assert.ok(error instanceof Error && !(error instanceof ManifestInvalid));
          assert.equal(error.message, `${failure}: helm did not finish within 300 ms`);
          return true;
        },
      );
      const pid = Number((await readFile(pidFile, 'utf8')).trim());
      await waitFor('the background sleep to be killed', () => (isAlive(pid) ? undefined : true), {
        timeoutMs: 5_000,
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
