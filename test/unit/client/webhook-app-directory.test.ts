/**
 * The webhook's app listing: a stale listing answers a push at once while a new one is listed,
 * and the server signals the apps the new listing adds. The server runs on a local port with an
 * in-memory listing and refresh; no Temporal.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, test } from 'node:test';
import { AppDirectory } from '../../../client/webhook/app-directory.js';
import { startWebhookServer } from '../../../client/webhook/server.js';
import type { WebhookApp } from '../../../core/webhook/match.js';
import { githubPushHeaders } from '../../../bench/support/webhook-push.js';
import { githubPush } from '../core/webhook-fixtures.js';

const app = (name: string, repoURL = 'https://github.com/Acme/guestbook.git'): WebhookApp => ({
  name,
  workflowId: `app/${name}`,
  repoURL,
  targetRevision: 'main',
  path: 'apps/guestbook',
});

/** A listing the test resolves by hand, counting how often it was asked for. */
function manualListing() {
  const calls: { resolve: (apps: WebhookApp[]) => void; reject: (err: Error) => void }[] = [];
  return {
    calls,
    list: () => new Promise<WebhookApp[]>((resolve, reject) => calls.push({ resolve, reject })),
  };
}

test('a listing answers alone within the TTL; past it at once, with one new listing for all pushes', async () => {
  let now = 0;
  const listing = manualListing();
  const directory = new AppDirectory(listing.list, { ttlMs: 2000, maxStaleMs: 60_000, now: () => now });

  const first = directory.view();
  assert.equal(first.cached, undefined, 'nothing to answer with before the first listing');
  listing.calls[0]?.resolve([app('a')]);
  const listed = await first.fresh;
  assert.equal(listed?.size, 1);

  now = 1999;
  const warm = directory.view();
  assert.equal(warm.cached, listed);
  assert.equal(warm.fresh, undefined);
  assert.equal(listing.calls.length, 1);

  now = 2000;
  const stale = directory.view();
  const alsoStale = directory.view();
  assert.equal(stale.cached, listed, 'a stale listing still answers at once');
  assert.equal(stale.ageMs, 2000);
  assert.equal(alsoStale.fresh, stale.fresh, 'pushes share the listing in flight');
  assert.equal(listing.calls.length, 2);
  listing.calls[1]?.resolve([app('a'), app('b')]);
  assert.equal((await stale.fresh)?.size, 1, 'one repository');
  assert.equal(directory.view().fresh, undefined, 'the new listing is fresh');
});

test('a failed listing keeps the last one; past maxStaleMs the last one is not used', async () => {
  let now = 0;
  const listing = manualListing();
  const directory = new AppDirectory(listing.list, { ttlMs: 1000, maxStaleMs: 10_000, now: () => now });
  const warming = directory.warm();
  listing.calls[0]?.resolve([app('a')]);
  await warming;

  now = 5000;
  const view = directory.view();
  listing.calls[1]?.reject(new Error('visibility unavailable'));
  await assert.rejects(view.fresh!, /visibility unavailable/);
  assert.ok(directory.view().cached, 'the last listing still answers');
  assert.equal(listing.calls.length, 3, 'and a new listing is tried');

  now = 10_000;
  assert.equal(directory.view().cached, undefined, 'too old to act on');
});

test('a push signals the apps of a stale listing at once, then those the new listing adds', async () => {
  const secret = randomBytes(16).toString('hex');
  let now = 0;
  const listing = manualListing();
  const directory = new AppDirectory(listing.list, { ttlMs: 2000, now: () => now });
  const warming = directory.warm();
  listing.calls[0]?.resolve([app('old'), app('deleted'), app('other', 'https://github.com/Acme/other.git')]);
  await warming;
  now = 3000;

  const refreshed: string[] = [];
  let listedAfterFirstSignal = false;
  // Were the server to wait for the new listing first, it would get it this way instead (no hang).
  const fallback = setTimeout(() => listing.calls[1]?.resolve([app('old'), app('new')]), 5000);
  const server = await startWebhookServer({
    secrets: { github: [secret] },
    port: 0,
    apps: () => directory.view(),
    refresh: async (workflowId) => {
      refreshed.push(workflowId);
      // The listing is asked for before the first signal: it is not on the path to the known apps.
      if (workflowId === 'app/old' && !listedAfterFirstSignal) {
        listedAfterFirstSignal = true;
        listing.calls[1]?.resolve([app('old'), app('new')]);
      }
      if (workflowId === 'app/deleted') throw new Error('workflow not found');
      return 'signal';
    },
  });
  after(async () => {
    clearTimeout(fallback);
    await server.close();
  });
  const body = JSON.stringify(githubPush());
  const res = await fetch(`${server.url}/api/webhook`, {
    method: 'POST',
    headers: githubPushHeaders(body, secret),
    body,
  });
  clearTimeout(fallback);
  assert.equal(res.status, 200);
  assert.ok(listedAfterFirstSignal);
  const json = (await res.json()) as { signaled: string[]; failed?: string[] };
  assert.deepEqual(refreshed.slice(0, 2).sort(), ['app/deleted', 'app/old'], 'the known apps first');
  assert.deepEqual(refreshed.slice(2), ['app/new'], 'then the app the new listing adds, once');
  assert.deepEqual(json.signaled.sort(), ['new', 'old']);
  assert.equal(json.failed, undefined, 'an app the new listing no longer has is not a failure');
});
