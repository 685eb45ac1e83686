/**
 * `$<ref>/<path>` value files of an app with several sources (Argo CD's `$values`): read from the
 * root of the ref source's checkout, with the same confinement as the chart's own value files.
 * Runs the stack's helm (on PATH through `scripts/stack env`).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { renderSource } from '../../activities/render/render-source.js';
import { ManifestInvalid } from '../../contract/errors.js';
import { tempRepo, type TempRepo } from '../unit/activities/render/temp-repo.js';

const CHART = {
  'chart/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 1.0.0\n',
  'chart/values.yaml': 'message: from the chart\n',
  'chart/templates/cm.yaml':
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  message: {{ .Values.message | quote }}\n',
};

describe('renderSource with $ref value files', () => {
  let chart: TempRepo;
  let values: TempRepo;
  let outside: TempRepo;
  before(async () => {
    chart = await tempRepo(CHART);
    values = await tempRepo({ 'envs/prod.yaml': 'message: from the values repository\n' });
    outside = await tempRepo({ 'secret.yaml': 'message: outside\n' });
    await values.link('envs/escape.yaml', `${outside.root}/secret.yaml`);
  });
  after(async () => {
    await Promise.all([chart?.remove(), values?.remove(), outside?.remove()]);
  });

  const render = (valueFiles: string[]) =>
    renderSource({
      appName: 'web',
      namespace: 'web',
      root: chart.root,
      path: 'chart',
      helm: { valueFiles },
      refRoots: new Map([['values', values.root]]),
    });

  it("reads the file from the ref source's root, after the chart's own values", async () => {
    const { objects } = await render(['$values/envs/prod.yaml']);
    assert.deepEqual((objects[0] as { data?: unknown }).data, { message: 'from the values repository' });
  });

  it('refuses a ref no source declares, naming the known ones', async () => {
    await assert.rejects(render(['$vals/envs/prod.yaml']), (err: unknown) => {
      assert.ok(err instanceof ManifestInvalid);
      assert.equal(
        err.message,
        'Value file "$vals/envs/prod.yaml" names $vals, which is the ref of no source of this app (known: $values)',
      );
      return true;
    });
  });

  it('names the source of a missing file and of a symlink out of its repository', async () => {
    await assert.rejects(render(['$values/envs/dev.yaml']), {
      name: 'ManifestInvalid',
      message:
        /^Value file "\$values\/envs\/dev\.yaml" cannot be read from source \$values: .*does not exist/,
    });
    await assert.rejects(render(['$values/envs/escape.yaml']), {
      name: 'ManifestInvalid',
      message: /cannot be read from source \$values: .*outside the repository through a symlink/,
    });
  });
});
