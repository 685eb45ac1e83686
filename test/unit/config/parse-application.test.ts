import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseApplications, SpecError, SpecSyntaxError } from '../../../config/index.js';

const NATIVE = `apiVersion: mooring.dev/v1
kind: Application
metadata: { name: web }
spec:
  source: { repoURL: https://example.com/web.git, path: deploy }
  destination: { namespace: web }
`;
const ARGO = `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: { name: api }
spec:
  source: { repoURL: https://example.com/api.git, path: deploy }
  destination: { server: https://kubernetes.default.svc, namespace: api }
`;

test('parseApplications reads native and Argo CD Applications from one stream, skipping empty documents', () => {
  const { apps, warnings } = parseApplications(
    `---\n${NATIVE}---\n# nothing here\n---\n${ARGO}---\n`,
    'apps.yaml',
  );
  assert.deepEqual(
    apps.map((a) => [a.name, a.destination.cluster]),
    [
      ['web', 'local'],
      ['api', 'local'],
    ],
  );
  assert.deepEqual(warnings, []);
});

test('parseApplications refuses other kinds', () => {
  const text = `${NATIVE}---\napiVersion: v1\nkind: ConfigMap\nmetadata: { name: settings }\n`;
  assert.throws(
    () => parseApplications(text, 'apps.yaml'),
    (err) =>
      err instanceof SpecError &&
      err.message ===
        'apps.yaml:8: ConfigMap/settings: apiVersion: unsupported kind "v1 ConfigMap": expected "mooring.dev/v1" Application, "argoproj.io/v1alpha1" Application or "argoproj.io/v1alpha1" ApplicationSet',
  );
  assert.throws(() => parseApplications('- a\n- b\n', 'apps.yaml'), {
    message: 'apps.yaml:1: document must be a mapping with apiVersion and kind',
  });
});

test('parseApplications refuses two Applications with one name', () => {
  const text = `${NATIVE}---\n${ARGO.replace('name: api', 'name: web')}`;
  assert.throws(
    () => parseApplications(text, 'apps.yaml'),
    (err) =>
      err instanceof SpecError &&
      err.message ===
        'apps.yaml:10: Application/web: metadata.name: duplicate Application name "web": already defined by Application/web at apps.yaml:3',
  );
});

test('parseApplications reports unparsable YAML as a SpecSyntaxError with its line', () => {
  const text = `${NATIVE}---\napiVersion: mooring.dev/v1\nkind: Application\nmetadata: { name: [oops }\n`;
  assert.throws(
    () => parseApplications(text, 'apps.yaml'),
    (err) =>
      err instanceof SpecSyntaxError &&
      err instanceof SyntaxError &&
      err.line === 10 &&
      err.message.startsWith('apps.yaml:10: cannot parse YAML: '),
  );
});

test('parseApplications never echoes Secret data from a YAML error in a spec stream', () => {
  const marker = 'hunter2-Marker-7f3a';
  const text = `${NATIVE}---\napiVersion: v1\nkind: Secret\nmetadata: { name: db }\nstringData:\n  password: "a\\q${marker}"\n`;
  assert.throws(
    () => parseApplications(text, 'apps.yaml'),
    (err) =>
      err instanceof SpecSyntaxError &&
      err.cause === undefined &&
      /^apps\.yaml:12: cannot parse YAML: Invalid escape sequence \*\*\*/.test(err.message) &&
      !`${err.message}${err.stack}`.includes(marker),
  );
});
