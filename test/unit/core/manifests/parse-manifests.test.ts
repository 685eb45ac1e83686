import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManifestInvalid } from '../../../../contract/errors.js';
import { parseManifestEntries, parseManifests } from '../../../../core/manifests/parse-manifests.js';

function rejects(text: string, message: RegExp, file = 'app/deploy.yaml'): void {
  assert.throws(
    () => parseManifests(text, { file }),
    (error: unknown) => {
      assert.ok(error instanceof ManifestInvalid, `expected ManifestInvalid, got ${String(error)}`);
      assert.match(error.message, message);
      return true;
    },
  );
}

describe('parseManifests', () => {
  it('parses every document of a stream in order and skips empty ones', () => {
    const text = [
      '---',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: first',
      '# only a comment',
      '',
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: second\n  namespace: shop',
      '',
    ].join('\n---\n');
    const objects = parseManifests(text, { file: 'a.yaml' });
    assert.deepEqual(
      objects.map((o) => `${o.kind}/${o.metadata.name}`),
      ['ConfigMap/first', 'Deployment/second'],
    );
    assert.equal(objects[1]?.metadata.namespace, 'shop');
  });

  it('returns nothing for an empty or comment-only file', () => {
    assert.deepEqual(parseManifests('', { file: 'a.yaml' }), []);
    assert.deepEqual(parseManifests('# nothing here\n', { file: 'a.yaml' }), []);
  });

  it('parses JSON documents', () => {
    const objects = parseManifests('{"apiVersion":"v1","kind":"Service","metadata":{"name":"web"}}', {
      file: 'svc.json',
    });
    assert.equal(objects[0]?.kind, 'Service');
  });

  it('expands kind List into its items', () => {
    const text =
      'apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n- {apiVersion: v1, kind: Secret, metadata: {name: b}}\n';
    assert.deepEqual(
      parseManifests(text, { file: 'list.yaml' }).map((o) => o.kind),
      ['ConfigMap', 'Secret'],
    );
  });

  it('names the List item that is invalid', () => {
    rejects(
      'apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: ConfigMap, metadata: {}}\n',
      /"app\/deploy.yaml" document 1 item 1 \(ConfigMap\): metadata.name is missing/,
    );
  });

  it('resolves YAML merge keys', () => {
    const text =
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: m\nbase: &base {a: "1"}\ndata:\n  <<: *base\n  b: "2"\n';
    assert.deepEqual(parseManifests(text, { file: 'm.yaml' })[0]?.data, { a: '1', b: '2' });
  });

  it('accepts generateName instead of name', () => {
    const objects = parseManifests('apiVersion: batch/v1\nkind: Job\nmetadata:\n  generateName: migrate-\n', {
      file: 'job.yaml',
    });
    assert.equal(objects[0]?.metadata.generateName, 'migrate-');
  });

  it('rejects a YAML syntax error naming the file, document and line', () => {
    rejects(
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n---\nkind: a: b\n',
      /^Cannot parse "app\/deploy.yaml" document 2 as YAML: .* at line 5, column \d+$/,
    );
  });

  it('never echoes the data of a Secret with a YAML error, in the message or a cause', () => {
    const marker = 'hunter2-Marker-7f3a';
    for (const broken of [`password: ${marker}: x`, `password: "a\\q${marker}"`, `password: [${marker}`]) {
      assert.throws(
        () =>
          parseManifests(`apiVersion: v1\nkind: Secret\nmetadata: {name: db}\nstringData:\n  ${broken}\n`, {
            file: 'db.yaml',
          }),
        (error: unknown) => {
          assert.ok(error instanceof ManifestInvalid);
          assert.match(
            error.message,
            /^Cannot parse "db.yaml" document 1 as YAML: .+ at line \d+, column \d+$/,
          );
          assert.equal(error.cause, undefined);
          assert.ok(!`${error.message}\n${error.stack}`.includes(marker), error.message);
          return true;
        },
      );
    }
  });

  it('rejects duplicate mapping keys', () => {
    rejects(
      'apiVersion: v1\nkind: ConfigMap\nkind: Secret\nmetadata: {name: a}\n',
      /document 1 as YAML: Map keys must be unique/,
    );
  });

  it('names the missing or wrongly typed field and its value', () => {
    const cases: [string, RegExp][] = [
      ['kind: ConfigMap\nmetadata: {name: a}', /"app\/deploy.yaml" document 1: apiVersion is missing/],
      ['apiVersion: v1\nmetadata: {name: a}', /document 1: kind is missing/],
      [
        'apiVersion: v1\nkind: 42\nmetadata: {name: a}',
        /kind must be a non-empty string: current value is 42/,
      ],
      ['apiVersion: v1\nkind: ConfigMap', /document 1 \(ConfigMap\): metadata is missing/],
      [
        'apiVersion: v1\nkind: ConfigMap\nmetadata: [a]',
        /metadata must be a mapping: current value is a list/,
      ],
      [
        'apiVersion: v1\nkind: ConfigMap\nmetadata: {namespace: x}',
        /\(ConfigMap\): metadata.name is missing/,
      ],
      [
        'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ""}',
        /metadata.name must be a non-empty string: current value is ""/,
      ],
      [
        'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, labels: {tier: 3}}',
        /metadata.labels\["tier"\] must be a string: current value is 3/,
      ],
      [
        'apiVersion: v1\nkind: Job\nmetadata: {name: a, annotations: {helm.sh/hook-weight: -1}}',
        /metadata.annotations\["helm.sh\/hook-weight"\] must be a string: current value is -1/,
      ],
      ['- apiVersion: v1', /document 1: expected an object: current value is a list/],
      ['just text', /document 1: expected an object: current value is "just text"/],
    ];
    for (const [text, message] of cases) rejects(text, message);
  });

  it('counts documents from 1 including empty ones', () => {
    rejects('---\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {}\n', /document 2 \(ConfigMap\)/);
  });

  it('drops empty labels and annotations', () => {
    const [object] = parseManifests(
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels:\n  annotations:\n',
      { file: 'a.yaml' },
    );
    assert.deepEqual(object?.metadata, { name: 'a' });
  });
});

describe('parseManifestEntries', () => {
  it('keeps the document index and, for Helm output only, the template a document came from', () => {
    const text = [
      '---\n# Source: chart/templates/svc.yaml\napiVersion: v1\nkind: Service\nmetadata: {name: web}',
      '# Source: chart/templates/deploy.yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}',
    ].join('\n---\n');
    const entries = parseManifestEntries(text, { file: 'helm template chart', helmSources: true });
    assert.deepEqual(
      parseManifestEntries(text, { file: 'a.yaml' }).map((e) => e.file),
      ['a.yaml', 'a.yaml'],
    );
    assert.deepEqual(
      entries.map((e) => [e.file, e.document]),
      [
        ['chart/templates/svc.yaml', 1],
        ['chart/templates/deploy.yaml', 2],
      ],
    );
  });

  it('names the Helm template of an invalid document', () => {
    const text = '# Source: chart/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata: {}\n';
    assert.throws(
      () => parseManifestEntries(text, { file: 'helm template chart', helmSources: true }),
      /"chart\/templates\/cm.yaml" \(document 1 of helm template chart\) \(ConfigMap\): metadata.name is missing/,
    );
  });
});
