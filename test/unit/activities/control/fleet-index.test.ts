import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FleetIndex } from '../../../../activities/control/fleet-index.js';
import type { ApplicationSummary } from '../../../../contract/activities.js';
import { appSummary } from '../../../support/app-summary.js';

/** A queue's apps as visibility holds them; answers the index's list and count queries, and records them. */
function fakeVisibility(apps: ApplicationSummary[]) {
  const queries: string[] = [];
  const select = (query: string): ApplicationSummary[] => {
    const names = /WorkflowId IN \(([^)]*)\)/.exec(query)?.[1];
    const cluster = /MooringCluster = '([^']*)'/.exec(query)?.[1];
    return apps.filter(
      (a) =>
        (names === undefined || names.includes(`'app/${a.name}'`)) &&
        (cluster === undefined || a.cluster === cluster),
    );
  };
  return {
    apps,
    queries,
    /** Full listings (no names in the query). */
    fullListings: () => queries.filter((q) => q.startsWith('list') && !q.includes('WorkflowId IN')).length,
    list: async (query: string) => {
      queries.push(`list ${query}`);
      const found = select(query).map((a) => ({ ...a }));
      return { apps: found, listed: found.length };
    },
    count: async (query: string) => {
      queries.push(`count ${query}`);
      return select(query).length;
    },
  };
}

/** Due at every run: the interval is not longer than the tick. */
const app = (name: string, extra: Partial<ApplicationSummary> = {}): ApplicationSummary =>
  appSummary(name, { interval: '10s', ...extra });

const names = async (index: FleetIndex): Promise<string[]> =>
  (await index.select({ pollDue: TICK })).map((a) => a.name);

const autoscaling = {
  policy: { target: 'Deployment/web', query: 'sum(rate(x[1m]))' },
} as ApplicationSummary['autoscaling'];
const TICK = { tickEndMs: 1_800_000, tickMs: 10_000 };

describe('fleet index', () => {
  it('lists the fleet once, then only the apps a run selects, by name', async () => {
    const v = fakeVisibility(
      Array.from({ length: 250 }, (_, i) => app(`a${i}`, { interval: i < 5 ? '10s' : '1h' })),
    );
    let now = 0;
    const index = new FleetIndex({ taskQueue: 'q', list: v.list, count: v.count, now: () => now });
    const due = (tickEndMs: number) => index.select({ pollDue: { tickEndMs, tickMs: 10_000 } });

    const first = await due(TICK.tickEndMs);
    assert.ok(first.length >= 5 && first.length < 250, `due: ${first.length}`);
    assert.equal(v.fullListings(), 1);

    now += 10_000;
    v.queries.length = 0;
    const second = await due(TICK.tickEndMs + 10_000);
    assert.equal(v.fullListings(), 0, 'a young index is not listed again');
    assert.deepEqual(
      v.queries.map((q) => q.split(' ')[0]),
      ['count', ...Array<string>(Math.ceil(second.length / 100)).fill('list')],
      'one count, then the due apps by name',
    );
  });

  it('answers with the current state of the selected apps, not the index', async () => {
    const v = fakeVisibility([app('web', { autoscaling }), app('api', { autoscaling }), app('db')]);
    const index = new FleetIndex({ taskQueue: 'q', list: v.list, count: v.count, now: () => 0 });
    assert.deepEqual((await index.select({ autoscaled: true })).map((a) => a.name).sort(), ['api', 'web']);
    v.apps[0]!.headRevision = 'b'.repeat(40);
    delete v.apps[1]!.autoscaling; // api no longer autoscaled, the index does not know yet
    const again = await index.select({ autoscaled: true });
    assert.deepEqual(
      again.map((a) => [a.name, a.headRevision]),
      [['web', 'b'.repeat(40)]],
    );
  });

  it('lists again when an app was registered or deleted, or the index is older than its max age', async () => {
    const v = fakeVisibility([app('web', { autoscaling })]);
    let now = 0;
    const index = new FleetIndex({
      taskQueue: 'q',
      list: v.list,
      count: v.count,
      maxAgeMs: 60_000,
      now: () => now,
    });
    assert.equal((await index.select({ autoscaled: true })).length, 1);

    v.apps.push(app('new', { autoscaling }));
    now = 1_000;
    assert.deepEqual(
      (await index.select({ autoscaled: true })).map((a) => a.name),
      ['web', 'new'],
    );
    assert.equal(v.fullListings(), 2, 'the count told of the new app');

    v.apps.push(app('edited')); // same count as before, once `new` is gone...
    v.apps.splice(1, 1);
    v.apps[1]!.autoscaling = autoscaling; // ...and `edited` gains autoscaling: only the max age shows it
    now = 30_000;
    assert.deepEqual(
      (await index.select({ autoscaled: true })).map((a) => a.name),
      ['web'],
    );
    now = 61_000;
    assert.deepEqual(
      (await index.select({ autoscaled: true })).map((a) => a.name),
      ['web', 'edited'],
    );
    assert.equal(v.fullListings(), 3);
  });

  it('selects nothing without listing by name when no app matches', async () => {
    const v = fakeVisibility([app('web'), app('api')]);
    const index = new FleetIndex({ taskQueue: 'q', list: v.list, count: v.count, now: () => 0 });
    assert.deepEqual(await index.select({ autoscaled: true }), []);
    assert.deepEqual(
      v.queries.map((q) => q.split(' ')[0]),
      ['list'],
    );
  });

  it('lists a filter of names or clusters only directly, and in chunks of 100 names', async () => {
    const v = fakeVisibility(
      Array.from({ length: 230 }, (_, i) => app(`a${i}`, { cluster: i % 2 ? 'east' : 'west' })),
    );
    const index = new FleetIndex({ taskQueue: 'q', list: v.list, count: v.count, now: () => 0 });
    assert.equal((await index.select({ cluster: 'east' })).length, 115);
    assert.equal((await index.select({ names: ['a1', 'a2'] })).length, 2);
    assert.equal(v.fullListings(), 1, 'one listing of the cluster; no index was built');

    const all = await index.select({ pollDue: TICK });
    assert.equal(all.length, 230);
    const byName = v.queries.filter((q) => q.includes('WorkflowId IN')).slice(1);
    assert.deepEqual(
      byName.map((q) => (q.match(/'app\//g) ?? []).length),
      [100, 100, 30],
    );
  });

  it('splits the fleet into parts that together hold every app once', async () => {
    const v = fakeVisibility(Array.from({ length: 300 }, (_, i) => app(`a${i}`)));
    const index = new FleetIndex({ taskQueue: 'q', list: v.list, count: v.count, now: () => 0 });
    const parts = await Promise.all(
      Array.from({ length: 8 }, (_, i) => index.select({ shard: { index: i, count: 8 } })),
    );
    const names = parts.flatMap((p) => p.map((a) => a.name));
    assert.equal(names.length, 300);
    assert.equal(new Set(names).size, 300);
    assert.ok(
      Math.max(...parts.map((p) => p.length)) < 80,
      `parts: ${parts.map((p) => p.length).join(', ')}`,
    );
    assert.equal(v.fullListings(), 1, 'the parts share one listing of the fleet');
    for (const shard of [
      { index: 8, count: 8 },
      { index: 0, count: 0 },
      { index: 0.5, count: 2 },
      { index: 0, count: 65 },
    ])
      await assert.rejects(index.select({ shard }), RangeError, JSON.stringify(shard));
  });

  it('reads a large selection in pages under the byte budget, each app once, listing the fleet once', async () => {
    const v = fakeVisibility(Array.from({ length: 450 }, (_, i) => app(`a${String(i).padStart(3, '0')}`)));
    const index = new FleetIndex({ taskQueue: 'q', list: v.list, count: v.count, now: () => 0 });
    const budget = 40_000; // about 150 apps
    const seen: string[] = [];
    const cursors: (string | undefined)[] = [];
    let after: string | undefined;
    do {
      cursors.push(after);
      const page = await index.page({ filter: { pollDue: TICK }, after }, budget);
      const bytes = page.apps.reduce((n, a) => n + JSON.stringify(a).length + 1, 0);
      assert.ok(bytes <= budget, `a page of ${bytes} bytes`);
      seen.push(...page.apps.map((a) => a.name));
      after = page.next;
    } while (after !== undefined);
    assert.deepEqual(
      seen,
      v.apps.map((a) => a.name),
      'every app once, in name order',
    );
    assert.ok(cursors.length >= 3, `pages: ${cursors.length}`);
    assert.equal(v.fullListings(), 1, 'the pages share one listing of the fleet');
    const small = await index.page({ filter: { names: ['a001', 'a000'] } }, budget);
    assert.deepEqual(small, { apps: [v.apps[0], v.apps[1]] }, 'a small selection is one page');
  });

  it('lists again within 10 s when it listed an app whose workflow had not described itself yet', async () => {
    let now = 0;
    const { v, index, described } = withStartingApp(() => now);
    assert.deepEqual(await names(index), ['web']);
    described(); // `new` described itself: the count is the same as before
    now = 5_000;
    assert.deepEqual(await names(index), ['web'], 'a young index is kept');
    now = 10_000;
    assert.deepEqual(await names(index), ['web', 'new']);
    assert.equal(v.fullListings(), 2);
    now = 69_000;
    await names(index);
    assert.equal(v.fullListings(), 2, 'a complete index lives its full max age');
  });

  it('lists again for a caller that asks for a fresh listing, however young the index', async () => {
    const { v, index, described } = withStartingApp(() => 0);
    assert.deepEqual(await names(index), ['web']);
    described();
    assert.deepEqual(await names(index), ['web'], 'the index is young and its count unchanged');
    const shard = async (index_: number) =>
      (await index.select({ shard: { index: index_, count: 2 }, fresh: true })).map((a) => a.name);
    assert.deepEqual([...(await shard(0)), ...(await shard(1))].sort(), ['new', 'web']);
    assert.equal(v.fullListings(), 3);
  });

  it('shares one listing between concurrent callers', async () => {
    const v = fakeVisibility([app('web')]);
    const index = new FleetIndex({ taskQueue: 'q', list: v.list, count: v.count, now: () => 0 });
    const [a, b] = await Promise.all([index.all(0), index.all(0)]);
    assert.equal(a, b);
    assert.equal(v.fullListings(), 1);
  });

  it('reports a failed listing, and lists again at the next call', async () => {
    const v = fakeVisibility([app('web')]);
    let fail = false;
    let now = 0;
    const index = new FleetIndex({
      taskQueue: 'q',
      list: async (q) => {
        if (fail) throw new Error('visibility unavailable');
        return await v.list(q);
      },
      count: v.count,
      now: () => now,
    });
    assert.equal((await index.all()).length, 1);
    fail = true;
    now = 120_000;
    await assert.rejects(index.all(), /visibility unavailable/);
    fail = false;
    assert.equal((await index.all()).length, 1);
  });
});

/**
 * An index over `web` and one app whose workflow has started but not set its memo yet: counted and
 * listed, but not an app the index can hold, until `described()` adds it as `new`.
 */
function withStartingApp(now: () => number): {
  v: ReturnType<typeof fakeVisibility>;
  index: FleetIndex;
  described: () => void;
} {
  const v = fakeVisibility([app('web')]);
  let starting = 1;
  const index = new FleetIndex({
    taskQueue: 'q',
    list: async (q) => {
      const listing = await v.list(q);
      return q.includes('WorkflowId IN') ? listing : { ...listing, listed: listing.listed + starting };
    },
    count: async (q) => (await v.count(q)) + starting,
    now,
  });
  const described = (): void => {
    v.apps.push(app('new'));
    starting = 0;
  };
  return { v, index, described };
}
