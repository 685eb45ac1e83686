import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeSpecFile, MAX_SPEC_BYTES, readSpecDocuments } from '../../../config/spec-document.js';

const APP = 'apiVersion: mooring.dev/v1\nkind: Application\nmetadata: {name: web}\n';

function problemOf(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    return (err as Error).message;
  }
  return assert.fail('expected an error');
}

test('readSpecDocuments refuses hostile YAML naming the file and line', () => {
  const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]']
    .concat(
      ['b', 'c', 'd', 'e', 'f'].map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdef'[i]}`).join(', ')}]`),
    )
    .join('\n');
  const cases: [string, string][] = [
    [bomb, 'f.yaml:1: cannot read YAML: its aliases expand to too many values'],
    [`${APP}x: 1\u0000`, 'f.yaml:4: contains a NUL byte'],
    [`${APP}x: "a"\u001b[2J`, 'f.yaml:4: contains the control character U+001B'],
    [`${APP}metadata: {name: b}\n`, 'f.yaml:4: cannot parse YAML: Map keys must be unique'],
    [`${APP}spec: !!js/function "f"\n`, 'f.yaml:4: cannot use the YAML tag "!!js/function"'],
    [`${APP}spec: !!binary aGk=\n`, 'f.yaml:4: cannot use the YAML tag "!!binary"'],
    [`${APP}spec: !local 1\n`, 'f.yaml:4: cannot use the YAML tag "!local"'],
    [`${APP}spec: ${'['.repeat(5000)}${']'.repeat(5000)}\n`, 'nested more than 64 levels deep'],
    [
      `${APP}spec: ${'['.repeat(70)}${']'.repeat(70)}\n`,
      'f.yaml:1: cannot read YAML: mappings and lists are nested more than 64',
    ],
    [`#${' '.repeat(MAX_SPEC_BYTES)}\n`, 'f.yaml:1: is too large to be a spec'],
  ];
  for (const [text, expected] of cases) {
    const message = problemOf(() => readSpecDocuments(text, 'f.yaml'));
    assert.ok(message.includes(expected), `${JSON.stringify(expected)} not in ${JSON.stringify(message)}`);
  }
});

test('readSpecDocuments accepts plain tags, a few shared aliases and quoted escapes', () => {
  const text = `${APP}spec:\n  a: &x {k: !!str v}\n  b: *x\n  c: "\\e[31m"\n`;
  const [doc] = readSpecDocuments(text, 'f.yaml');
  assert.deepEqual((doc?.value as { spec: unknown }).spec, { a: { k: 'v' }, b: { k: 'v' }, c: '\u001b[31m' });
});

test('readSpecDocuments reads a v1 List item by item and names the index of a bad one', () => {
  const text = `apiVersion: v1\nkind: List\nitems:\n- ${APP.replace(/\n(?=.)/g, '\n  ')}- 42\n`;
  assert.match(
    problemOf(() => readSpecDocuments(text, 'l.yaml')),
    /^l\.yaml:7: List\/<unnamed>: items\[1\]: must be a mapping/,
  );
  const [item] = readSpecDocuments(text.replace('- 42\n', ''), 'l.yaml');
  assert.equal(item?.object, 'Application/web');
  assert.deepEqual(item?.locate(['metadata', 'name']), {
    file: 'l.yaml',
    line: 6,
    object: 'Application/web',
    field: 'items[0].metadata.name',
  });
});

test('decodeSpecFile refuses bytes that are not UTF-8 and files over the size limit', () => {
  assert.equal(decodeSpecFile(new TextEncoder().encode('café: 1\n'), 'f.yaml'), 'café: 1\n');
  assert.match(
    problemOf(() => decodeSpecFile(Uint8Array.from([0x61, 0x0a, 0x62, 0xff, 0x0a]), 'f.yaml')),
    /^f\.yaml:2: is not UTF-8 text/,
  );
  assert.match(
    problemOf(() => decodeSpecFile(new Uint8Array(MAX_SPEC_BYTES + 1), 'big.yaml')),
    /^big\.yaml:1: is too large to be a spec: 4194305 bytes, at most 4194304 \(4 MiB\)/,
  );
});
