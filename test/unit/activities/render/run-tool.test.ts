import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
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
