import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ManifestInvalid } from '../../../../../contract/errors.js';
import { extractChart } from '../../../../../activities/render/chart-source/extract-chart.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mooring-extract-'));
});
after(() => rm(dir, { recursive: true, force: true }));

/** A gzip'd tar of `src` made by the system tar, as `helm package` makes one. */
async function archiveOf(
  name: string,
  files: Record<string, string>,
  links: Record<string, string> = {},
): Promise<Buffer> {
  const src = join(dir, `src-${name}`);
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(src, path, '..'), { recursive: true });
    await writeFile(join(src, path), content);
  }
  for (const [path, target] of Object.entries(links)) await symlink(target, join(src, path));
  return execFileSync('tar', ['-czf', '-', '-C', src, '.']);
}

const options = { what: 'chart "web" 1.0.0', maxUnpackedBytes: 1024 * 1024 };

test('extractChart unpacks a chart and returns its top-level directory', async () => {
  const archive = await archiveOf('ok', {
    'web/Chart.yaml': 'name: web\n',
    'web/templates/cm.yaml': 'kind: ConfigMap\n',
  });
  const out = join(dir, 'ok');
  await mkdir(out);
  const chartDir = await extractChart(archive, out, options);
  assert.equal(chartDir, join(out, 'web'));
  assert.equal(await readFile(join(chartDir, 'templates/cm.yaml'), 'utf8'), 'kind: ConfigMap\n');
});

test('extractChart refuses symbolic links, a bomb and archives that are not charts', async () => {
  const cases: [string, Buffer, RegExp][] = [
    [
      'link',
      await archiveOf('link', { 'web/Chart.yaml': 'name: web\n' }, { 'web/passwd': '/etc/passwd' }),
      /"web\/passwd" is a symbolic link/,
    ],
    [
      'bomb',
      await archiveOf('bomb', { 'web/Chart.yaml': 'name: web\n', 'web/big': 'x'.repeat(2 * 1024 * 1024) }),
      /larger than 1048576 bytes unpacked/,
    ],
    [
      'two',
      await archiveOf('two', { 'a/Chart.yaml': 'name: a\n', 'b/Chart.yaml': 'name: b\n' }),
      /expected one top-level directory, found 2/,
    ],
    ['nochart', await archiveOf('nochart', { 'web/values.yaml': 'a: 1\n' }), /has no Chart.yaml/],
    ['garbage', gzipSync(Buffer.from('not a tar archive at all')), /Cannot unpack chart "web" 1.0.0/],
    ['plain', Buffer.from('not even gzip'), /not a gzip'd tar archive/],
  ];
  for (const [name, archive, expected] of cases) {
    const out = join(dir, `out-${name}`);
    await mkdir(out);
    await assert.rejects(extractChart(archive, out, options), (error: Error) => {
      assert.ok(error instanceof ManifestInvalid, `${name}: ${error.name}: ${error.message}`);
      assert.match(error.message, expected, name);
      return true;
    });
  }
});
