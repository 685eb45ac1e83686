import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { parseApplications } from '../../config/index.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const CHART = join(HERE, '../../../shared/examples/argocd-example-apps/apps');
const FIXTURE = join(HERE, '../unit/config/fixtures/apps-chart-rendered.yaml');

function helmVersion(): string | undefined {
  try {
    return execFileSync('helm', ['version', '--short'], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

test('parseApplications imports every Application that `helm template` renders from the shared apps chart', (t) => {
  if (!existsSync(CHART)) return t.skip(`shared examples not found at ${CHART}`);
  const version = helmVersion();
  if (!version)
    return t.skip('helm is not on PATH (scripts/stack install builds it; eval "$(scripts/stack env)")');
  const rendered = execFileSync('helm', ['template', 'apps', CHART], { encoding: 'utf8' });
  const { apps, warnings } = parseApplications(rendered, 'apps/templates/applications.yaml');
  const values = parse(readFileSync(join(CHART, 'values.yaml'), 'utf8')) as {
    applications: { name: string }[];
  };
  assert.deepEqual(
    apps.map((a) => a.name),
    values.applications.map((a) => `example.${a.name}`),
  );
  // The hand-written expectation used by the unit tests must match what Helm really renders.
  const expected = parseApplications(readFileSync(FIXTURE, 'utf8'), 'apps/templates/applications.yaml');
  assert.deepEqual(apps, expected.apps);
  assert.deepEqual(
    warnings.map((w) => `${w.object} ${w.field}`),
    expected.warnings.map((w) => `${w.object} ${w.field}`),
  );
});
