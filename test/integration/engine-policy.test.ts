/**
 * The agent enforces its own policy, whatever the activity inputs say: activity calls are what a
 * forged workflow (or a forged spec sent to Temporal) would make, so each case calls the cluster
 * activities directly with inputs an attacker controls, on the real stack, and checks that nothing
 * was written (resourceVersions unchanged) and that the error names app, object, project and rule.
 * Ownership: an object tracked by another app is never taken over without AllowSharedResource=true,
 * and prune and cascade delete never remove what the project may not touch.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PolicyViolation } from '../../contract/errors.js';
import type { AgentPolicy, Project } from '../../core/policy/project.js';
import { normalizeRepoUrl } from '../../activities/git/repo-url.js';
import { MOORING_APP_LABEL, MOORING_TRACKING_ID } from '../../core/manifests/annotations.js';
import { Engine, TestRepo } from './engine-harness.js';
import { kubectl, kubectlJson, uniqueSuffix } from '../support/stack.js';

const suffix = uniqueSuffix();
const teamNs = `pol-a-${suffix}`;
const otherNs = `pol-b-${suffix}`;

function project(name: string, overrides: Partial<Project>): Project {
  return {
    name,
    origin: `test policy, Project/${name}`,
    applications: [],
    sourceRepos: [],
    destinations: [],
    clusterResourceWhitelist: [],
    clusterResourceBlacklist: [],
    namespaceResourceBlacklist: [{ group: '', kind: 'ResourceQuota' }],
    childProjects: [],
    render: { allowRemoteValueFiles: false, allowRemoteBases: false, allowPlugins: false },
    signatureKeys: { gpgPublicKeys: [], sshAllowedSigners: [] },
    ...overrides,
  };
}

const configMap = (name: string, namespace?: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n${namespace ? `  namespace: ${namespace}\n` : ''}data:\n  k: v\n`;

/** resourceVersion of every ConfigMap and of the Namespace itself, to prove nothing was written. */
async function snapshot(namespace: string): Promise<string> {
  type List = { items: { kind: string; metadata: { name: string; resourceVersion: string } }[] };
  const objects = await kubectlJson<List>(['get', 'configmaps,resourcequotas', '-n', namespace]);
  const ns = await kubectlJson<List['items'][number]>(['get', 'namespace', namespace]);
  return JSON.stringify(
    [...objects.items, ns].map((i) => [i.kind, i.metadata.name, i.metadata.resourceVersion]).sort(),
  );
}

async function rejectsWith(work: Promise<unknown>, ...patterns: RegExp[]): Promise<void> {
  await assert.rejects(work, (err: Error) => {
    assert.ok(err instanceof PolicyViolation, `${err.name}: ${err.message}`);
    for (const p of patterns) assert.match(err.message, p);
    return true;
  });
}

describe('the agent enforces its own projects and object ownership, on the real stack', () => {
  let repo: TestRepo;
  let foreign: TestRepo;
  let engine: Engine;

  before(async () => {
    repo = TestRepo.create({});
    repo.change(
      {
        'ok/cm.yaml': configMap('ok'),
        'escape/cm.yaml': configMap('escape', otherNs),
        'quota/quota.yaml': `apiVersion: v1\nkind: ResourceQuota\nmetadata:\n  name: q\nspec:\n  hard:\n    pods: "1"\n`,
        'cluster-role/role.yaml': `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: pol-${suffix}\nrules: []\n`,
        'privileged/ns.yaml': `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${teamNs}\n  labels:\n    pod-security.kubernetes.io/enforce: privileged\n`,
        'shared/cm.yaml': configMap('shared'),
      },
      'fixtures',
    );
    foreign = TestRepo.create({});
    foreign.change({ 'ok/cm.yaml': configMap('foreign') }, 'foreign');
    const policy: AgentPolicy = {
      source: 'test-policy.yaml',
      settings: { allowedRepoSchemes: ['https', 'ssh', 'file'], protectedNamespaces: ['kube-system'] },
      projects: [
        project('team-a', {
          applications: ['team-a-*'],
          sourceRepos: [normalizeRepoUrl(repo.url)],
          destinations: [{ cluster: 'local', namespace: teamNs }],
        }),
        project('team-b', {
          applications: ['team-b-*'],
          sourceRepos: [normalizeRepoUrl(foreign.url)],
          destinations: [{ cluster: 'local', namespace: otherNs }],
          clusterResourceWhitelist: [{ group: '', kind: 'Namespace' }],
        }),
      ],
    };
    for (const ns of [teamNs, otherNs]) await kubectl(['create', 'namespace', ns]);
    await kubectl(['create', 'configmap', 'bystander', '-n', otherNs, '--from-literal=k=v']);
    engine = await Engine.open({ policy });
  });

  after(async () => {
    engine?.close();
    repo?.remove();
    foreign?.remove();
    for (const ns of [teamNs, otherNs])
      await kubectl(['delete', 'namespace', ns, '--wait=false', '--ignore-not-found']);
    await kubectl(['delete', 'clusterrole', `pol-${suffix}`, '--ignore-not-found']);
  });

  it('deploys what the project allows', async () => {
    const outcome = await engine.deploy(repo, { app: 'team-a-ok', path: 'ok', namespace: teamNs });
    assert.equal(outcome.health.health, 'Healthy');
  });

  it('an app bound to no project cannot render, whatever it claims', async () => {
    const { sha } = await engine.activities.resolveRevision({ repoURL: repo.url, targetRevision: 'main' });
    await rejectsWith(
      engine.activities.renderManifests({
        appName: 'intruder',
        repoURL: repo.url,
        revision: sha,
        path: 'ok',
        namespace: teamNs,
      }),
      /app "intruder" is bound to no project in the agent's policy \(test-policy\.yaml\)/,
    );
  });

  it("a resolve asked for an app's sync windows answers them from the agent's policy, whatever it claims", async () => {
    const asked = (app: string) =>
      engine.activities.resolveRevision({
        repoURL: repo.url,
        targetRevision: 'main',
        syncWindow: { app, namespace: teamNs, trigger: 'automatic' },
      });
    const plain = await engine.activities.resolveRevision({ repoURL: repo.url, targetRevision: 'main' });
    const allowed = await asked('team-a-ok');
    assert.equal(allowed.sha, plain.sha);
    assert.equal(plain.syncWindow, undefined, 'not asked, not answered');
    assert.deepEqual(
      [allowed.syncWindow?.answer?.allowed, allowed.syncWindow?.answer?.project, allowed.syncWindow?.failure],
      [true, 'team-a', undefined],
    );
    // A failed check does not fail the resolve: the workflow lets the sync through with a warning,
    // and the render refuses the app anyway.
    const intruder = await asked('intruder');
    assert.equal(intruder.sha, plain.sha);
    assert.equal(intruder.syncWindow?.answer, undefined);
    assert.match(intruder.syncWindow?.failure ?? '', /app "intruder" is bound to no project/);
  });

  it('a source outside the project is refused at render, naming the rule', async () => {
    const { sha } = await engine.activities.resolveRevision({ repoURL: foreign.url, targetRevision: 'main' });
    await rejectsWith(
      engine.activities.renderManifests({
        appName: 'team-a-x',
        repoURL: foreign.url,
        revision: sha,
        path: 'ok',
        namespace: teamNs,
      }),
      /app "team-a-x" \(project "team-a"\): source .*: the repository is not in the project's sourceRepos \(.*\) \[rule sourceRepos\]/,
    );
  });

  it('a destination namespace outside the project is refused before render and before any write', async () => {
    const before = await snapshot(otherNs);
    const plan = await engine.render(repo, { app: 'team-a-ok', path: 'ok', namespace: teamNs });
    await rejectsWith(
      engine.activities.prepareSync({ ...plan, namespace: otherNs }),
      new RegExp(
        `destination local/${otherNs}: namespace "${otherNs}" on cluster "local" is not a destination of the project \\[rule destinations\\]`,
      ),
    );
    // Straight to applyStep, as a forged workflow would: refused all the same.
    await rejectsWith(
      engine.activities.applyStep({
        ...plan,
        namespace: otherNs,
        phase: 'Sync',
        wave: 0,
        waitHealthy: false,
        waitTimeoutMs: 5_000,
      }),
      /rule destinations/,
    );
    assert.equal(await snapshot(otherNs), before);
  });

  it('a plan may only use manifests its own app rendered', async () => {
    const plan = await engine.render(repo, { app: 'team-a-ok', path: 'ok', namespace: teamNs });
    await rejectsWith(
      engine.activities.prepareSync({ ...plan, app: 'team-a-other' }),
      new RegExp(
        `manifests ${plan.manifestKey.slice(0, 12)} were rendered for app "team-a-ok", not for app "team-a-other"`,
      ),
    );
    await assert.rejects(
      engine.activities.prepareSync({ ...plan, manifestKey: '../../../etc/passwd' }),
      /Invalid manifest key/,
    );
  });

  it('objects that break the project fail the whole sync before the first write', async () => {
    const beforeOther = await snapshot(otherNs);
    const beforeTeam = await snapshot(teamNs);
    const cases: [string, RegExp][] = [
      [
        'escape',
        new RegExp(
          `ConfigMap ${otherNs}/escape: namespace "${otherNs}" on cluster "local" is not a destination of the project \\[rule destinations\\]`,
        ),
      ],
      [
        'quota',
        new RegExp(
          `ResourceQuota ${teamNs}/q: kind core/ResourceQuota is in the project's namespaceResourceBlacklist \\[rule namespaceResourceBlacklist\\]`,
        ),
      ],
      [
        'cluster-role',
        /rbac\.authorization\.k8s\.io\/ClusterRole pol-.*: cluster-scoped kind rbac\.authorization\.k8s\.io\/ClusterRole is not in the project's clusterResourceWhitelist/,
      ],
      [
        'privileged',
        /Namespace pol-a-.*: .*\[rule clusterResourceWhitelist\].*pod-security\.kubernetes\.io\/enforce: pod-security labels are never managed by apps \[rule podSecurityLabels\]/,
      ],
    ];
    for (const [path, pattern] of cases) {
      const plan = await engine.render(repo, { app: `team-a-${path}`, path, namespace: teamNs });
      await rejectsWith(
        engine.sync(plan),
        /app "team-a-[a-z-]+" \(project "team-a"\)/,
        pattern,
        /before anything was written/,
      );
      await rejectsWith(
        engine.activities.applyStep({
          ...plan,
          phase: 'Sync',
          wave: 0,
          waitHealthy: false,
          waitTimeoutMs: 5_000,
        }),
        pattern,
      );
    }
    assert.equal(await snapshot(otherNs), beforeOther);
    assert.equal(await snapshot(teamNs), beforeTeam);
    assert.equal(
      (await kubectl(['get', 'clusterrole', `pol-${suffix}`, '--ignore-not-found', '-o', 'name'])).trim(),
      '',
    );
    const labels = await kubectlJson<{ metadata: { labels?: Record<string, string> } }>([
      'get',
      'namespace',
      teamNs,
    ]);
    assert.equal(labels.metadata.labels?.['pod-security.kubernetes.io/enforce'], undefined);
  });

  it('never takes over an object another app tracks unless the spec opts in; prune leaves it to its owner', async () => {
    const first = await engine.deploy(repo, { app: 'team-a-one', path: 'shared', namespace: teamNs });
    assert.equal(first.health.health, 'Healthy');
    const owned = await kubectlJson<{
      metadata: { resourceVersion: string; annotations: Record<string, string> };
    }>(['get', 'configmap', 'shared', '-n', teamNs]);
    const plan = await engine.render(repo, { app: 'team-a-two', path: 'shared', namespace: teamNs });
    await assert.rejects(engine.sync(plan), (err: Error) => {
      assert.match(
        err.message,
        new RegExp(`ConfigMap/${teamNs}/shared is already tracked by app "team-a-one"`),
      );
      assert.match(err.message, /app "team-a-two"/);
      assert.match(err.message, /nothing was applied/);
      return true;
    });
    const after = await kubectlJson<{
      metadata: { resourceVersion: string; annotations: Record<string, string> };
    }>(['get', 'configmap', 'shared', '-n', teamNs]);
    assert.equal(after.metadata.resourceVersion, owned.metadata.resourceVersion);
    assert.match(after.metadata.annotations[MOORING_TRACKING_ID] ?? '', /^team-a-one:/);

    // Opting in takes the object over; its former owner's prune then leaves it alone.
    const taken = await engine.sync({ ...plan, syncOptions: ['AllowSharedResource=true'] });
    assert.equal(taken.health.health, 'Healthy');
    repo.change(
      { 'shared/cm.yaml': undefined, 'shared/other.yaml': configMap('other') },
      'shared leaves Git',
    );
    const pruned = await engine.deploy(repo, { app: 'team-a-one', path: 'shared', namespace: teamNs });
    assert.ok(!pruned.pruned.changes.some((c) => c.name === 'shared' && c.action === 'deleted'));
    const still = await kubectlJson<{ metadata: { annotations: Record<string, string> } }>([
      'get',
      'configmap',
      'shared',
      '-n',
      teamNs,
    ]);
    assert.match(still.metadata.annotations[MOORING_TRACKING_ID] ?? '', /^team-a-two:/);
  });

  it('cascade delete keeps objects outside the project even when they carry the app tracking', async () => {
    // An object planted in another team's namespace with this app's tracking id.
    const planted = `planted-${suffix}`;
    const manifest = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: planted,
        namespace: otherNs,
        labels: { [MOORING_APP_LABEL]: 'team-a-ok' },
        annotations: { [MOORING_TRACKING_ID]: `team-a-ok:/ConfigMap:${otherNs}/${planted}` },
      },
      data: { k: 'v' },
    };
    await kubectl(['apply', '-f', '-'], { input: JSON.stringify(manifest) });
    const result = await engine.activities.deleteApplicationResources({ app: 'team-a-ok' });
    const kept = result.changes.find((c) => c.name === planted);
    assert.equal(kept?.action, 'skipped');
    assert.match(
      kept?.reason ?? '',
      /kept: namespace ".*" on cluster "local" is not a destination of the project \(project "team-a"\)/,
    );
    assert.ok(result.changes.some((c) => c.name === 'ok' && c.action === 'deleted'));
    assert.equal(
      (await kubectl(['get', 'configmap', planted, '-n', otherNs, '-o', 'name'])).trim(),
      `configmap/${planted}`,
    );
  });
});

describe('a project that requires signed commits, on the real stack', () => {
  const namespace = `pol-sig-${uniqueSuffix()}`;
  let repo: TestRepo;
  let engine: Engine;
  let keyDir: string;

  /** Commits `file` in the repo's work tree (signed with `key` when given) and pushes it. */
  function commit(file: string, text: string, key?: string): void {
    writeFileSync(join(repo.work, file), text);
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.email=test@mooring.dev', '-c', 'user.name=test', ...args], {
        cwd: repo.work,
      });
    git('add', '-A');
    if (key) git('-c', 'gpg.format=ssh', '-c', `user.signingkey=${key}`, 'commit', '-q', '-S', '-m', file);
    else git('commit', '-q', '-m', file);
    git('push', '-q', repo.url, 'main');
  }

  before(async () => {
    keyDir = mkdtempSync(join(tmpdir(), 'mooring-sig-'));
    for (const name of ['trusted', 'other'])
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', join(keyDir, name)]);
    const publicKey = readFileSync(join(keyDir, 'trusted.pub'), 'utf8')
      .trim()
      .split(' ')
      .slice(0, 2)
      .join(' ');
    repo = TestRepo.create({});
    const policy: AgentPolicy = {
      source: 'signed-policy.yaml',
      settings: { allowedRepoSchemes: ['file'], protectedNamespaces: [] },
      projects: [
        project('default', {
          sourceRepos: ['*'],
          destinations: [{ cluster: '*', namespace }],
          signatureKeys: { gpgPublicKeys: [], sshAllowedSigners: [`release@mooring.dev ${publicKey}`] },
        }),
      ],
    };
    await kubectl(['create', 'namespace', namespace]);
    engine = await Engine.open({ policy });
  });
  after(async () => {
    engine?.close();
    repo?.remove();
    rmSync(keyDir, { recursive: true, force: true });
    await kubectl(['delete', 'namespace', namespace, '--wait=false', '--ignore-not-found']);
  });

  it('deploys a commit signed by a trusted key and refuses unsigned or untrusted ones', async () => {
    mkdirSync(join(repo.work, 'app'), { recursive: true });
    commit('app/cm.yaml', configMap('signed'), join(keyDir, 'trusted'));
    const outcome = await engine.deploy(repo, { app: 'signed', path: 'app', namespace });
    assert.equal(outcome.health.health, 'Healthy');

    for (const [label, key, why] of [
      ['unsigned', undefined, /it is not signed/],
      [
        'untrusted',
        join(keyDir, 'other'),
        /Commit [0-9a-f]{12} of ".*" is not deployed: .*; the app's project requires commits signed by one of its trusted keys/,
      ],
    ] as const) {
      commit('app/cm.yaml', configMap(label), key);
      await assert.rejects(engine.render(repo, { app: 'signed', path: 'app', namespace }), (err: Error) => {
        assert.equal(err.name, 'CommitUnverified');
        assert.match(err.message, why);
        return true;
      });
    }
    assert.equal(
      (await kubectl(['get', 'configmap', '-n', namespace, '-o', 'name']))
        .trim()
        .split('\n')
        .sort()
        .join(' '),
      'configmap/kube-root-ca.crt configmap/signed',
    );
  });
});
