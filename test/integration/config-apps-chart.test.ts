import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { toolBinary } from '../../activities/render/run-tool.js';
import { parseApplications } from '../../config/index.js';
import { helmMissing, SHARED_EXAMPLES, sharedExamplesMissing } from '../support/requirements.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const CHART = join(SHARED_EXAMPLES, 'apps');
const FIXTURE = join(HERE, '../unit/config/fixtures/apps-chart-rendered.yaml');

test(
  'parseApplications imports every Application that `helm template` renders from the shared apps chart',
  { skip: sharedExamplesMissing() ?? helmMissing() },
  () => {
    const rendered = execFileSync(toolBinary('helm'), ['template', 'apps', CHART], { encoding: 'utf8' });
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
  },
);
