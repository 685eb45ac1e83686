import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChartCredentials } from '../../../../../activities/render/chart-source/chart-credentials.js';

const dir = mkdtempSync(join(tmpdir(), 'mooring-chart-creds-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('ChartCredentials.forUrl picks the longest prefix on a path boundary, after normalizing', () => {
  const passwordFile = join(dir, 'password');
  writeFileSync(passwordFile, 'from-file\n');
  const credentials = new ChartCredentials([
    { urlPrefix: 'https://charts.example.com/', username: 'all', password: 'pw-all' },
    { urlPrefix: 'https://charts.example.com/team', username: 'team', passwordFile },
    { urlPrefix: 'oci://Registry.example.com:443/charts', tokenFile: passwordFile },
  ]);
  const cases: [string, string | undefined][] = [
    ['https://charts.example.com/team/index.yaml', 'from-file'],
    ['https://charts.example.com/teams/index.yaml', 'pw-all'],
    ['https://charts.example.com/team/../other/index.yaml', 'pw-all'],
    ['https://charts.example.com:8443/team', undefined],
    ['http://charts.example.com/team', undefined],
    ['oci://registry.example.com/charts/web', 'from-file'],
    ['oci://registry.example.com/chartsx/web', undefined],
  ];
  for (const [url, secret] of cases) {
    const found = credentials.forUrl(url);
    const value = found?.kind === 'basic' ? found.password : found?.token;
    assert.equal(value, secret, url);
  }
  assert.equal(credentials.forUrl('oci://registry.example.com/charts/web')?.kind, 'bearer');
});

test('ChartCredentials refuses entries without exactly one secret or with a password but no username', () => {
  const bad: [unknown, RegExp][] = [
    [
      { urlPrefix: 'https://c.example.com', username: 'u' },
      /set exactly one of password, passwordFile, token, tokenFile, found 0/,
    ],
    [{ urlPrefix: 'https://c.example.com', password: 'p' }, /a password needs a username/],
    [{ urlPrefix: 'https://c.example.com', token: 't', password: 'p', username: 'u' }, /found 2/],
    [{ urlPrefix: 'https://c.example.com', token: 't', extra: 'x' }, /unknown field "extra"/],
    [{ urlPrefix: 'not a url', token: 't' }, /urlPrefix must be an https/],
  ];
  for (const [entry, expected] of bad) assert.throws(() => new ChartCredentials([entry]), expected);
});

test('ChartCredentials.fromFile never quotes a line of an unparsable file', () => {
  const file = join(dir, 'broken.yaml');
  writeFileSync(file, '- urlPrefix: https://c.example.com\n  password: "s3cret-value\n');
  assert.throws(
    () => ChartCredentials.fromFile(file),
    (error: Error) =>
      /Cannot parse Helm credentials file/.test(error.message) && !error.message.includes('s3cret'),
  );
});
