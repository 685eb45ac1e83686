import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appSummary } from '../../../support/app-summary.js';
import { firstPage, namesAfter, summaryBytes } from '../../../../core/fleet/application-page.js';

const app = appSummary;

test('a selection that fits is one page, with no cursor', () => {
  const apps = [app('a'), app('b'), app('c')];
  assert.deepEqual(firstPage(apps, 10_000), { apps });
});

test('a page holds what fits in its budget; the cursor names its last app', () => {
  const apps = ['a', 'b', 'c', 'd'].map((n) => app(n));
  const budget = summaryBytes(apps[0]!) * 2 + 1;
  const page = firstPage(apps, budget);
  assert.deepEqual(
    page.apps.map((a) => a.name),
    ['a', 'b'],
  );
  assert.equal(page.next, 'b');
  const rest = apps.filter((a) => namesAfter([a.name], page.next).length > 0);
  assert.deepEqual(
    firstPage(rest, budget).apps.map((a) => a.name),
    ['c', 'd'],
  );
});

test('every page holds at least one app, even one larger than the budget', () => {
  const big = app('big', { path: 'x'.repeat(5000) });
  assert.deepEqual(firstPage([big, app('small')], 100), { apps: [big], next: 'big' });
});

test('the cursor is set when the caller has more apps beyond these', () => {
  assert.deepEqual(firstPage([app('a')], 10_000, true), { apps: [app('a')], next: 'a' });
  assert.deepEqual(firstPage([], 10_000, false), { apps: [] });
});

test('bytes are counted as UTF-8', () => {
  // 'é' is two bytes in UTF-8, one more than 'e', in the name, the workflow id and the namespace.
  assert.equal(summaryBytes(app('é')) - summaryBytes(app('e')), 3);
});

test('names after the cursor, in code-unit order whatever the locale', () => {
  assert.deepEqual(namesAfter(['b', 'a', 'B', 'c'], undefined), ['B', 'a', 'b', 'c']);
  assert.deepEqual(namesAfter(['b', 'a', 'B', 'c'], 'a'), ['b', 'c']);
});
