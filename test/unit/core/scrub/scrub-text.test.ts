import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { scrubText } from '../../../../core/scrub/scrub-text.js';

describe('scrubText', () => {
  it('masks the given secret values wherever they appear', () => {
    assert.equal(
      scrubText('helm: value hunter2-prod is not a bool (hunter2-prod)', { secretValues: ['hunter2-prod'] }),
      'helm: value *** is not a bool (***)',
    );
  });

  it('removes credentials from URLs', () => {
    assert.equal(
      scrubText('fatal: unable to access https://x-token:ghp_abc@github.com/acme/app.git/'),
      'fatal: unable to access https://github.com/acme/app.git/',
    );
  });

  it('masks data values in Go map dumps of objects, keeping keys', () => {
    assert.equal(
      scrubText('missing metadata.name in object {{v1 Secret} map[data:map[password:c2VjcmV0 user:YWRt]]}'),
      'missing metadata.name in object {{v1 Secret} map[data:map[password:*** user:***]]}',
    );
  });

  it('masks long random-looking tokens such as base64 keys and JWT parts', () => {
    const key = randomBytes(32).toString('base64');
    assert.equal(scrubText(`bad value ${key} here`), 'bad value *** here');
    assert.equal(
      scrubText('token eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.x'),
      'token ***.***.x',
    );
  });

  it('keeps digests, names, paths and field paths', () => {
    const kept = [
      'image registry.example/web@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
      'Deployment/shop/web-frontend-canary-2024-rollout',
      'charts/WebFrontend2/templates/deployment-with-sidecar.yaml',
      'spec.template.spec.containers[0].readinessProbe.httpGet',
      'revision 4b825dc642cb6eb9a060e54bf8d69288fbee4904 not found',
    ];
    for (const text of kept) assert.equal(scrubText(text), text);
  });
});
