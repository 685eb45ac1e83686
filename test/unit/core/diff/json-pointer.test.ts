import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePointer, removeAtPointer } from '../../../../core/diff/json-pointer.js';

test('parsePointer() decodes RFC 6901 escapes and refuses non-pointers', () => {
  assert.deepEqual(parsePointer('/metadata/annotations/example.com~1note'), [
    'metadata',
    'annotations',
    'example.com/note',
  ]);
  assert.deepEqual(parsePointer('/a~0b/~01'), ['a~b', '~1']);
  assert.deepEqual(parsePointer('/'), ['']);
  assert.equal(parsePointer(''), undefined);
  assert.equal(parsePointer('spec/replicas'), undefined);
});

test('removeAtPointer() removes map members and list items in place', () => {
  const doc = {
    spec: { replicas: 3, containers: [{ name: 'a' }, { name: 'b' }] },
    metadata: { annotations: { 'x/y': '1' } },
  };
  assert.equal(removeAtPointer(doc, ['spec', 'replicas']), true);
  assert.equal(removeAtPointer(doc, ['spec', 'containers', '0']), true);
  assert.equal(removeAtPointer(doc, parsePointer('/metadata/annotations/x~1y') ?? []), true);
  assert.deepEqual(doc, { spec: { containers: [{ name: 'b' }] }, metadata: { annotations: {} } });
});

test('removeAtPointer() is a no-op for paths that do not exist', () => {
  const doc = { spec: { list: [1], value: 'x' } };
  const before = structuredClone(doc);
  for (const tokens of [
    ['status'],
    ['spec', 'list', '5'],
    ['spec', 'list', '-'],
    ['spec', 'list', '01'],
    ['spec', 'value', 'deeper'],
    [],
  ]) {
    assert.equal(removeAtPointer(doc, tokens), false, tokens.join('/'));
  }
  assert.deepEqual(doc, before);
});
