/**
 * The Web UI of the production profile: Temporal's UI server dials the frontend with its own
 * client certificate and token (the browser holds neither), and points the browser at the
 * payload codec server, so history shows decrypted payloads to whoever may reach it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

function uiUrl(path: string): string {
  const base = process.env.MOORING_TEMPORAL_UI;
  if (!base) throw new Error('MOORING_TEMPORAL_UI is not set: run through `scripts/test production`');
  return `${base}${path}`;
}

describe('production profile: the Web UI server', () => {
  it('lists namespaces and workflows through its own credential', async () => {
    const namespaces = await fetch(uiUrl('/api/v1/namespaces'));
    assert.equal(namespaces.status, 200, await namespaces.clone().text());
    const names = (
      (await namespaces.json()) as { namespaces: { namespaceInfo: { name: string } }[] }
    ).namespaces.map((n) => n.namespaceInfo.name);
    assert.ok(names.includes('default'), names.join(', '));
    const workflows = await fetch(uiUrl('/api/v1/namespaces/default/workflows'));
    assert.equal(workflows.status, 200, await workflows.clone().text());
  });

  it('sends the browser to the codec server, which answers CORS for the UI origin', async () => {
    const settings = (await (await fetch(uiUrl('/api/v1/settings'))).json()) as {
      Codec?: { Endpoint?: string };
    };
    const endpoint = settings.Codec?.Endpoint ?? '';
    assert.equal(endpoint, process.env.MOORING_CODEC_ENDPOINT);
    const preflight = await fetch(`${endpoint}/decode`, {
      method: 'OPTIONS',
      headers: {
        Origin: new URL(uiUrl('/')).origin,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type,x-namespace',
      },
    });
    assert.ok(preflight.status < 300, `preflight ${preflight.status}`);
    assert.equal(preflight.headers.get('access-control-allow-origin'), new URL(uiUrl('/')).origin);
  });
});
