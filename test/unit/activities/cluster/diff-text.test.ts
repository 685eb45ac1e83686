/**
 * The diff text `diffApplication` sends back through Temporal (`mooring app diff` prints it):
 * the whole formatted diff when it fits, else capped with a note of what it leaves out, and never a
 * Secret value.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  formatDiff,
  formatDiffCapped,
  MAX_DIFF_TEXT_BYTES,
} from '../../../../activities/cluster/diff-store.js';
import type { StoredDiff, StoredObjectDiff } from '../../../../activities/cluster/diff-store.js';
import type { KubeObject } from '../../../../contract/kube-object.js';
import { diffObjects } from '../../../../core/diff/diff.js';

/** A ConfigMap update whose diff is about `lines` lines long. */
function configMapDiff(name: string, lines: number): StoredObjectDiff {
  const body = Array.from({ length: lines }, (_, i) => `-  key${i}: old\n+  key${i}: new`).join('\n');
  return { group: '', kind: 'ConfigMap', namespace: 'web', name, action: 'update', diff: `${body}\n` };
}

function storedDiff(objects: StoredObjectDiff[], warnings: string[] = []): StoredDiff {
  return { app: 'shop', manifestKey: 'a'.repeat(64), objects, unchanged: 2, warnings };
}

describe('formatDiffCapped', () => {
  it('returns the whole text, not truncated, when it fits', () => {
    const diff = storedDiff([configMapDiff('a', 3), configMapDiff('b', 3)], ['one rule was ignored']);
    assert.deepEqual(formatDiffCapped(diff, MAX_DIFF_TEXT_BYTES), {
      text: formatDiff(diff),
      truncated: false,
    });
  });

  it('caps the text, says how many changed objects it leaves out, and keeps warnings and summary', () => {
    const objects = Array.from({ length: 40 }, (_, i) =>
      configMapDiff(`cm-${String(i).padStart(2, '0')}`, 400),
    );
    const diff = storedDiff(objects, ['one rule was ignored']);
    assert.ok(
      Buffer.byteLength(formatDiff(diff)) > MAX_DIFF_TEXT_BYTES,
      'the test diff is bigger than the cap',
    );
    const { text, truncated } = formatDiffCapped(diff, MAX_DIFF_TEXT_BYTES);
    assert.equal(truncated, true);
    assert.ok(
      Buffer.byteLength(text) <= MAX_DIFF_TEXT_BYTES,
      `${Buffer.byteLength(text)} bytes fit in the cap`,
    );
    const shown = [...text.matchAll(/^=== update ConfigMap\/web\/(cm-\d+)$/gm)].map((m) => m[1]);
    assert.ok(shown.length > 0 && shown.length < 40, `some objects are shown (${shown.length})`);
    assert.deepEqual(
      shown,
      objects.slice(0, shown.length).map((o) => o.name),
      'the first objects, in plan order',
    );
    const lines = text.split('\n');
    assert.match(
      lines.at(-3) ?? '',
      new RegExp(
        `^\\.\\.\\. diff truncated at 256 KiB: ${40 - shown.length} of 40 changed objects not shown \\(the last one shown is cut short\\)$`,
      ),
    );
    assert.deepEqual(lines.slice(-2), [
      'warning: one rule was ignored',
      '0 to create, 40 to update, 0 to delete, 2 unchanged',
    ]);
  });

  it('shows whole lines of an object too big for the cap on its own', () => {
    const diff = storedDiff([configMapDiff('huge', 5000)]);
    const { text, truncated } = formatDiffCapped(diff, 4096);
    assert.equal(truncated, true);
    assert.ok(Buffer.byteLength(text) <= 4096);
    assert.match(text, /^=== update ConfigMap\/web\/huge\n- {2}key0: old\n\+ {2}key0: new\n/);
    assert.match(
      text,
      /\n[-+] {2}key\d+: (old|new)\n\.\.\. diff truncated at 4 KiB: 0 of 1 changed objects not shown \(the last one shown is cut short\)\n0 to create, 1 to update/,
    );
  });

  it('never carries a Secret value, truncated or not', () => {
    const secret = (value: string): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db', namespace: 'web' },
      data: { password: Buffer.from(value).toString('base64') },
    });
    const made = diffObjects(secret('new-password'), secret('old-password'), []);
    const diff = storedDiff([
      { group: '', kind: 'Secret', namespace: 'web', name: 'db', action: made.action, diff: made.diff },
      configMapDiff('after', 5000),
    ]);
    for (const cap of [MAX_DIFF_TEXT_BYTES, 2048]) {
      const { text } = formatDiffCapped(diff, cap);
      assert.match(text, /=== update Secret\/web\/db/);
      for (const value of ['new-password', 'old-password']) {
        assert.ok(
          !text.includes(value) && !text.includes(Buffer.from(value).toString('base64')),
          `no ${value} in the text capped at ${cap}`,
        );
      }
    }
  });
});
