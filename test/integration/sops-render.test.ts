/**
 * SOPS at render time, for real: keys from `age-keygen`, files encrypted by `sops --encrypt --age`,
 * a local bare Git repository checked out by the agent's repository cache, and kustomize. The
 * agent's key decrypts Secrets, a ConfigMap and kustomize secretGenerator files into the manifest
 * store (0600 files in a 0700 directory); the activity result, errors and diffs never hold a
 * decrypted value; without the key, or with another one, the render fails naming the object or file
 * and the recipients, and stores nothing; a rotated key file is never served from the render cache.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { parse, stringify } from 'yaml';
import { GitCredentials } from '../../activities/git/credentials.js';
import { RepoCache } from '../../activities/git/repo-cache.js';
import { ManifestStore, createRenderActivities, toolBinary } from '../../activities/render/index.js';
import { ManifestInvalid } from '../../contract/errors.js';
import type { RenderManifestsInput } from '../../contract/activities.js';
import type { KubeObject } from '../../contract/kube-object.js';
import { diffObjects } from '../../core/diff/diff.js';
import { createTestGitRepo, type TestGitRepo } from '../support/git-repo.js';
import { binaryMissing, helmMissing, kustomizeMissing } from '../support/requirements.js';

const run = promisify(execFile);
const STACK = 'eval "$(scripts/stack env)" (scripts/stack install builds sops and age)';
const skip =
  binaryMissing(toolBinary('sops'), STACK) ??
  binaryMissing(toolBinary('age-keygen'), STACK) ??
  kustomizeMissing();

const PASSWORD = 'hunter2-correct-horse';
const TOKEN = 'tok-8d1f0e2a-plain';
const DB_URL = 'postgres://app:cm-secret-pw@db:5432/app';
const ENV_VALUE = 'env-secret-91b2c3';
const CERT = '-----BEGIN CERT-----\ncert-body-secret-0a9f\n-----END CERT-----\n';
const HELM_VALUE = 'helm-secret-value-77c1';
const PLAINTEXTS = [PASSWORD, TOKEN, DB_URL, 'cm-secret-pw', ENV_VALUE, 'cert-body-secret-0a9f', HELM_VALUE];

let work: string;
let repo: TestGitRepo;
let cache: RepoCache;
let keyA: string;
let keyB: string;
let recipientA: string;
let sha: string;

async function keygen(path: string): Promise<string> {
  await run(toolBinary('age-keygen'), ['-o', path]);
  return (await run(toolBinary('age-keygen'), ['-y', path])).stdout.trim();
}

/** `sops --encrypt` of `text` (named `name` for its format) for `recipient`, as a user would. */
async function encrypt(name: string, text: string, recipient: string, extra: string[] = []): Promise<string> {
  const file = join(work, 'plain', name);
  await mkdir(join(work, 'plain'), { recursive: true });
  await writeFile(file, text);
  const env = { PATH: process.env.PATH ?? '' };
  return (await run(toolBinary('sops'), ['--encrypt', '--age', recipient, ...extra, file], { env })).stdout;
}

const DATA_ONLY = ['--encrypted-regex', '^(data|stringData)$'];

before(async () => {
  if (skip) return;
  work = await mkdtemp(join(tmpdir(), 'mooring-sops-it-'));
  keyA = join(work, 'agent-a.key');
  keyB = join(work, 'agent-b.key');
  recipientA = await keygen(keyA);
  await keygen(keyB);
  const secret = stringify({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'db' },
    stringData: { password: PASSWORD },
    data: { token: Buffer.from(TOKEN).toString('base64') },
  });
  const configMap = stringify({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'cfg' },
    data: { url: DB_URL, mode: 'clear' },
  });
  const kmsOnly = parse(
    await encrypt('kms.yaml', secret.replace('name: db', 'name: cloud'), recipientA, DATA_ONLY),
  ) as KubeObject & {
    sops: Record<string, unknown>;
  };
  delete kmsOnly.sops.age;
  kmsOnly.sops.kms = [
    { arn: 'arn:aws:kms:eu-west-1:123456789012:key/x', enc: 'x', created_at: '2026-01-01T00:00:00Z' },
  ];
  const seed = join(work, 'seed');
  const files: Record<string, string> = {
    'plain-dir/secret.yaml': await encrypt('secret.yaml', secret, recipientA, DATA_ONLY),
    'plain-dir/cm.yaml': await encrypt('cm.yaml', configMap, recipientA, ['--encrypted-regex', '^url$']),
    'kms/secret.yaml': stringify(kmsOnly),
    'kustomized/kustomization.yaml': [
      'namespace: shop',
      'resources: [secret.yaml]',
      'secretGenerator:',
      '- name: generated',
      '  envs: [app.env]',
      '  files: [tls.crt=cert.pem]',
      '',
    ].join('\n'),
    'kustomized/secret.yaml': await encrypt('secret.yaml', secret, recipientA, DATA_ONLY),
    'kustomized/app.env': await encrypt('app.env', `API_KEY=${ENV_VALUE}\nMODE=clear\n`, recipientA),
    'kustomized/cert.pem': await encrypt('cert.pem', CERT, recipientA),
    'chart/Chart.yaml': 'apiVersion: v2\nname: demo\nversion: 0.1.0\n',
    'chart/values.yaml': 'db:\n  user: app\n  password: ""\n',
    'chart/templates/secret.yaml':
      'apiVersion: v1\nkind: Secret\nmetadata:\n  name: helm-db\ndata:\n  user: {{ .Values.db.user | b64enc }}\n  password: {{ .Values.db.password | b64enc }}\n',
    'chart/secrets.yaml': await encrypt('secrets.yaml', `db:\n  password: ${HELM_VALUE}\n`, recipientA),
  };
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(seed, path, '..'), { recursive: true });
    await writeFile(join(seed, path), content);
  }
  repo = await createTestGitRepo(seed, 'apps');
  sha = await repo.head();
  cache = new RepoCache({
    cacheDir: join(work, 'git'),
    credentials: new GitCredentials([]),
    allowedSchemes: ['file'],
  });
});

after(async () => {
  await repo?.remove();
  if (work) await rm(work, { recursive: true, force: true });
});

let stores = 0;
/** The render activity of an agent whose key file is `keyFile` (undefined: none). */
function agent(keyFile: string | undefined, storeDir = join(work, `store-${++stores}`)) {
  const store = new ManifestStore({ dir: storeDir, sweepIntervalMs: 0 });
  const activities = createRenderActivities({
    store,
    checkout: (url, revision) => cache.checkout(url, revision),
    sopsAgeKeyFile: keyFile ?? '',
  });
  const render = (path: string, extra: Partial<RenderManifestsInput> = {}) => {
    const input: RenderManifestsInput = {
      appName: 'shop',
      repoURL: repo.url,
      revision: sha,
      namespace: 'shop',
      path,
    };
    return activities.renderManifests({ ...input, ...extra });
  };
  return { store, render };
}

function assertNoPlaintext(text: string, where: string): void {
  for (const value of PLAINTEXTS) assert.equal(text.includes(value), false, `${where} holds "${value}"`);
}

/** A ManifestInvalid matching `pattern`, without any decrypted value. */
function refused(pattern: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof ManifestInvalid, `expected ManifestInvalid, got ${String(error)}`);
    assert.match(error.message, pattern);
    assertNoPlaintext(`${error.message}\n${error.stack ?? ''}`, 'the error');
    return true;
  };
}

const byName = (objects: KubeObject[], kind: string, prefix: string): KubeObject => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name?.startsWith(prefix));
  assert.ok(found, `${kind} ${prefix}* not rendered`);
  return found;
};
const decoded = (obj: KubeObject, key: string): string =>
  Buffer.from((obj.data as Record<string, string>)[key] ?? '', 'base64').toString('utf8');

describe('SOPS-encrypted objects in a plain directory', { skip }, () => {
  it('are decrypted with the agent key into a private store; the result holds no value', async () => {
    // A store directory made earlier with a loose mode is tightened before a decrypted object lands.
    const loose = join(work, 'store-loose');
    await mkdir(loose, { mode: 0o755 });
    await chmod(loose, 0o755);
    const { store, render } = agent(keyA, loose);
    const summary = await render('apps/plain-dir');
    assertNoPlaintext(JSON.stringify(summary), 'the activity result');
    assert.deepEqual(summary.kinds, { ConfigMap: 1, Secret: 1 });
    const objects = (await store.get(summary.manifestKey)) ?? [];
    const secret = byName(objects, 'Secret', 'db');
    assert.deepEqual(secret.stringData, { password: PASSWORD });
    assert.equal(decoded(secret, 'token'), TOKEN);
    assert.equal('sops' in secret, false, 'the sops block is never applied');
    const configMap = byName(objects, 'ConfigMap', 'cfg');
    assert.deepEqual(configMap.data, { url: DB_URL, mode: 'clear' });
    assert.equal(configMap.metadata.annotations?.['mooring.dev/sensitive-paths'], '["/data/url"]');
    assert.equal((await stat(store.dir)).mode & 0o777, 0o700);
    for (const name of (await readdir(store.dir)).filter((n) => n.endsWith('.json')))
      assert.equal((await stat(join(store.dir, name))).mode & 0o777, 0o600, name);
    // What a person reads: the diff of the decrypted ConfigMap against a live copy.
    const live = { ...configMap, data: { url: 'postgres://app:old-secret@db/app', mode: 'clear' } };
    const { diff } = diffObjects(configMap, live, []);
    assertNoPlaintext(diff, 'the diff');
    assert.doesNotMatch(diff, /old-secret/);
    assert.match(diff, /url: "?\+{8,}"?/);
  });

  it('fail without an agent key, naming the object, the recipient and the setting; nothing is stored', async () => {
    const { store, render } = agent(undefined);
    await assert.rejects(
      render('apps/plain-dir'),
      refused(
        new RegExp(
          `Cannot decrypt (Secret|ConfigMap)/\\S+: .*age recipient ${recipientA}.*no age key; set MOORING_SOPS_AGE_KEY_FILE`,
        ),
      ),
    );
    const files = await readdir(store.dir).catch(() => []);
    assert.deepEqual(
      files.filter((n) => n.endsWith('.json')),
      [],
    );
  });

  it('fail with another agent key, naming both recipients', async () => {
    const { render } = agent(keyB);
    await assert.rejects(
      render('apps/plain-dir'),
      refused(new RegExp(`${recipientA}, none of which is in the agent's age key file`)),
    );
  });

  it('encrypted only for KMS are refused: only age keys are supported', async () => {
    const { render } = agent(keyA);
    await assert.rejects(
      render('apps/kms'),
      refused(
        /Secret\/\S*cloud: it is encrypted with SOPS for kms, but no age recipient; only age keys are supported on this agent/,
      ),
    );
  });

  it('a rotated key file is never served from the render cache', async () => {
    const rotating = join(work, 'rotating.key');
    await copyFile(keyA, rotating);
    const storeDir = join(work, 'store-rotating');
    await agent(rotating, storeDir).render('apps/plain-dir');
    await copyFile(keyB, rotating);
    await assert.rejects(
      agent(rotating, storeDir).render('apps/plain-dir'),
      refused(/none of which is in the agent's age key file/),
    );
  });
});

describe('a kustomization with SOPS-encrypted secretGenerator files', { skip }, () => {
  it('renders generated Secrets from the decrypted envs and files, and the encrypted resource', async () => {
    const { store, render } = agent(keyA);
    const summary = await render('apps/kustomized');
    assertNoPlaintext(JSON.stringify(summary), 'the activity result');
    const objects = (await store.get(summary.manifestKey)) ?? [];
    const generated = byName(objects, 'Secret', 'generated-');
    assert.equal(generated.metadata.namespace, 'shop');
    assert.deepEqual(Object.keys(generated.data as object).sort(), ['API_KEY', 'MODE', 'tls.crt']);
    assert.equal(decoded(generated, 'API_KEY'), ENV_VALUE);
    assert.equal(decoded(generated, 'tls.crt'), CERT);
    const secret = byName(objects, 'Secret', 'db');
    assert.equal(secret.metadata.namespace, 'shop');
    assert.deepEqual(secret.stringData, { password: PASSWORD });
  });

  it('fails without the key, naming the generator file and its field', async () => {
    const { render } = agent(keyB);
    await assert.rejects(
      render('apps/kustomized'),
      refused(
        /Cannot decrypt file "apps\/kustomized\/(app\.env|cert\.pem)" \(secretGenerator\[0\]\.\w+\[0\] of "apps\/kustomized\/kustomization\.yaml"\)/,
      ),
    );
  });
});

describe(
  'a Helm chart with a SOPS-encrypted value file (helm-secrets style)',
  { skip: skip ?? helmMissing() },
  () => {
    const helm = { valueFiles: ['secrets.yaml'] };

    it('renders with the decrypted values', async () => {
      const { store, render } = agent(keyA);
      const summary = await render('apps/chart', { helm });
      assertNoPlaintext(JSON.stringify(summary), 'the activity result');
      const secret = byName((await store.get(summary.manifestKey)) ?? [], 'Secret', 'helm-db');
      assert.equal(decoded(secret, 'password'), HELM_VALUE);
      assert.equal(decoded(secret, 'user'), 'app');
    });

    it('fails without the key, naming the value file', async () => {
      const { render } = agent(undefined);
      await assert.rejects(
        render('apps/chart', { helm }),
        refused(/Cannot decrypt file "apps\/chart\/secrets\.yaml" \(helm\.valueFiles\[0\]\).*no age key/),
      );
    });
  },
);
