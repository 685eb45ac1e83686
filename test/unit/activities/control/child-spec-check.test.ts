/**
 * The control plane's check of the child specs an agent returns for an app of apps: what a correct
 * agent sends passes unchanged, anything else is refused naming the parent, the child and the field,
 * and never shows a value that must not travel.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkChildSpecs } from '../../../../activities/control/child-spec-check.js';
import { parseApplications } from '../../../../config/parse-application.js';
import type { AppSpec } from '../../../../config/types.js';
import { ManifestInvalid, PolicyViolation } from '../../../../contract/errors.js';

const SOURCE = 'app apps @ a1b2c3d';

/** What an agent returns for a native and an Argo CD child (the agent parses them the same way). */
function agentSpecs(): AppSpec[] {
  return parseApplications(
    [
      'apiVersion: mooring.dev/v1',
      'kind: Application',
      'metadata: {name: web}',
      'spec:',
      '  source: {repoURL: "https://git.example.test/web.git", path: deploy, helm: {valueFiles: [prod.yaml]}}',
      '  destination: {cluster: local, namespace: web}',
      '  syncPolicy: {automated: {prune: true}, syncOptions: [CreateNamespace=true]}',
      '---',
      'apiVersion: argoproj.io/v1alpha1',
      'kind: Application',
      'metadata: {name: api.team-a, namespace: argocd}',
      'spec:',
      '  project: default',
      '  source: {repoURL: "https://git.example.test/api.git", targetRevision: main, path: api}',
      '  destination: {server: "https://kubernetes.default.svc", namespace: api}',
      '',
    ].join('\n'),
    'apps.yaml',
  ).apps;
}

/** The spec `change` makes of a fresh agent spec, as untyped data (what crosses the boundary). */
function forged(change: (spec: Record<string, unknown>) => void): unknown[] {
  const spec = structuredClone(agentSpecs()[0]) as unknown as Record<string, unknown>;
  change(spec);
  return [spec];
}

function refusal(specs: unknown, pattern: RegExp, type: new (m: string) => Error = ManifestInvalid): void {
  assert.throws(
    () => checkChildSpecs(specs, SOURCE, 'apps'),
    (err: unknown) => {
      assert.ok(err instanceof type, `expected ${type.name}, got ${String(err)}`);
      assert.match(err.message, /^app apps @ a1b2c3d: /, 'the message names the parent and revision');
      assert.match(err.message, pattern);
      return true;
    },
  );
}

describe('checkChildSpecs: the control plane re-validates what an agent returned', () => {
  it("passes a correct agent's specs unchanged (same JSON, so a re-sync changes no app)", () => {
    const specs = agentSpecs();
    const checked = checkChildSpecs(JSON.parse(JSON.stringify(specs)), SOURCE, 'apps');
    assert.equal(JSON.stringify(checked), JSON.stringify(specs));
    assert.deepEqual(checkChildSpecs([], SOURCE, 'apps'), []);
  });

  it('fills in the defaults a spec leaves out', () => {
    const [checked] = checkChildSpecs(
      [
        {
          name: 'bare',
          source: { repoURL: 'https://git.example.test/b.git', path: 'b' },
          destination: { namespace: 'b' },
        },
      ],
      SOURCE,
      'apps',
    );
    assert.equal(checked?.destination.cluster, 'local');
    assert.equal(checked?.source.targetRevision, 'HEAD');
    assert.equal(checked?.rollback.healthTimeout, '5m');
  });

  it('refuses a malformed spec naming the child and the field, and registers none', () => {
    refusal('not a list', /must be a list of application specs; nothing was registered/);
    refusal([42], /child app #1 with an invalid spec: must be a mapping/);
    refusal(
      forged((s) => (s.name = 7)),
      /child app #1 with an invalid spec \(name\): must be a string/,
    );
    refusal(
      forged((s) => (s.name = 'Not_A-Name')),
      /child app "Not_A-Name" with an invalid spec \(name\): must be a DNS-1123 subdomain/,
    );
    refusal(
      forged((s) => ((s.destination as Record<string, unknown>).namespace = undefined)),
      /child app "web" with an invalid spec \(destination\.namespace\): is required/,
    );
    refusal(
      forged((s) => (s.hostNetwork = true)),
      /child app "web" with an invalid spec \(hostNetwork\): unknown field/,
    );
    refusal(
      forged((s) => ((s.syncPolicy as Record<string, unknown>).interval = '1ms')),
      /child app "web" with an invalid spec \(syncPolicy\.interval\)/,
    );
    // Every refusal says what to check.
    refusal(
      forged((s) => (s.hostNetwork = true)),
      /same Mooring version as the control plane/,
    );
  });

  it('never shows inline Helm values or credentials in a repository URL', () => {
    const secretValues = forged((s) => {
      ((s.source as Record<string, unknown>).helm as Record<string, unknown>).values = 'password: hunter2';
    });
    refusal(secretValues, /\(source\.helm\.values\): inline Helm values are not accepted/);
    assert.throws(
      () => checkChildSpecs(secretValues, SOURCE, 'apps'),
      (err: Error) => !err.message.includes('hunter2'),
    );

    const token = forged(
      (s) => ((s.source as Record<string, unknown>).repoURL = 'https://ghp_secret@git.example.test/web.git'),
    );
    refusal(token, /\(source\.repoURL\): credentials in a repository URL are refused/);
    assert.throws(
      () => checkChildSpecs(token, SOURCE, 'apps'),
      (err: Error) => !err.message.includes('ghp_secret'),
    );
  });

  it("refuses two children of one name, and a child of the parent's own name", () => {
    const [web] = agentSpecs();
    refusal([web, web], /child app "web" with an invalid spec \(name\): is the name of another child/);
    refusal(
      [{ ...web, name: 'apps' }],
      /app of apps "apps" renders an Application of its own name; refused/,
      PolicyViolation,
    );
  });

  it('escapes control characters of a forged name', () => {
    refusal(
      forged((s) => (s.name = 'evil\u001b[31m')),
      /child app "evil\\x1b\[31m"/,
    );
  });
});
