/**
 * Structural checks of the production files: every manifest under deploy/, the Grafana dashboard
 * and docker-compose.yml. Nothing is applied or started here (test/integration/deploy-rbac.test.ts
 * applies the RBAC and the admission policy to the local cluster, deploy-kustomize.test.ts dry-runs
 * the kustomizations there).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { SEARCH_ATTRIBUTES } from '../../../contract/search-attributes.js';
import { CONNECTION_ENV } from '../../../client/temporal-connection.js';
import { DEFAULT_PROTECTED_NAMESPACES, parsePolicy } from '../../../config/agent-policy.js';

const root = new URL('../../..', import.meta.url).pathname;
const deployDir = join(root, 'deploy');

interface Manifest {
  file: string;
  apiVersion?: unknown;
  kind?: unknown;
  metadata?: { name?: unknown; namespace?: unknown };
  [field: string]: unknown;
}

interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  verbs: string[];
  nonResourceURLs?: string[];
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** Every Kubernetes object under deploy/ (kustomizations, Prometheus and Temporal configs are not objects). */
function manifests(): Manifest[] {
  const objects: Manifest[] = [];
  for (const path of yamlFiles(deployDir)) {
    const file = relative(root, path);
    // Go templates rendered by the Temporal server and UI (`# enable-template`), not YAML as written.
    if (readFileSync(path, 'utf8').startsWith('# enable-template')) continue;
    for (const doc of parseAllDocuments(readFileSync(path, 'utf8'))) {
      assert.deepEqual(
        doc.errors.map((e) => e.message),
        [],
        `${file} does not parse`,
      );
      const value: unknown = doc.toJS();
      if (value === null || typeof value !== 'object' || Array.isArray(value)) continue;
      const obj = value as Record<string, unknown>;
      if (obj.kind === 'Kustomization' || !('kind' in obj || 'apiVersion' in obj)) continue;
      objects.push({ ...obj, file });
    }
  }
  return objects;
}

const all = manifests();
const byName = (kind: string, name: string): Manifest => {
  const found = all.find((m) => m.kind === kind && m.metadata?.name === name);
  assert.ok(found, `deploy/ has no ${kind} named ${name}`);
  return found;
};
const rulesOf = (m: Manifest): PolicyRule[] => (m.rules as PolicyRule[] | undefined) ?? [];
const grants = (rules: PolicyRule[], group: string, resource: string, verb: string): boolean =>
  rules.some(
    (r) => r.apiGroups?.includes(group) && r.resources?.includes(resource) && r.verbs.includes(verb),
  );

test('every object under deploy/ has apiVersion, kind and metadata.name', () => {
  assert.ok(all.length >= 15, `expected the deploy/ objects, found ${all.length}`);
  for (const m of all) {
    assert.equal(typeof m.apiVersion, 'string', `${m.file}: apiVersion is missing`);
    assert.equal(typeof m.kind, 'string', `${m.file}: kind is missing`);
    assert.equal(
      typeof m.metadata?.name,
      'string',
      `${m.file}: metadata.name is missing on ${String(m.kind)}`,
    );
  }
});

test('no RBAC rule uses a wildcard verb, resource or API group', () => {
  const roles = all.filter((m) => m.kind === 'ClusterRole' || m.kind === 'Role');
  assert.ok(roles.length >= 3);
  for (const role of roles) {
    for (const rule of rulesOf(role)) {
      for (const field of ['verbs', 'resources', 'apiGroups'] as const) {
        assert.ok(
          !(rule[field] ?? []).includes('*'),
          `${role.file}: ${String(role.metadata?.name)} has "*" in ${field}`,
        );
      }
    }
  }
});

test('the agent may do what its activities do, writes only where bound per namespace', () => {
  const read = rulesOf(byName('ClusterRole', 'mooring-agent'));
  const manage = rulesOf(byName('ClusterRole', 'mooring-agent-manage'));
  // Discovery, cluster-wide get/list for the inventory (Namespaces included, read only).
  assert.ok(read.some((r) => r.nonResourceURLs?.includes('/apis') && r.verbs.includes('get')));
  for (const verb of ['get', 'list']) {
    assert.ok(grants(read, 'apps', 'deployments', verb), `read role lacks ${verb} deployments`);
    assert.ok(grants(read, '', 'namespaces', verb), `read role lacks ${verb} namespaces`);
  }
  for (const verb of ['create', 'patch', 'update', 'delete'])
    assert.ok(!grants(read, '', 'namespaces', verb), `the cluster-wide role must not ${verb} namespaces`);
  // The cluster-wide role never writes workloads and never reads Secrets.
  assert.ok(
    !read.some((r) => r.resources?.includes('secrets')),
    'the cluster-wide role must not mention secrets',
  );
  assert.ok(!grants(read, 'apps', 'deployments', 'patch'));
  assert.ok(!grants(read, '', 'namespaces', 'delete'));
  // Server-side apply (patch + create), hooks (create), prune (delete) in managed namespaces.
  for (const verb of ['get', 'list', 'patch', 'create', 'delete']) {
    assert.ok(grants(manage, 'apps', 'deployments', verb), `manage role lacks ${verb} deployments`);
    assert.ok(grants(manage, '', 'secrets', verb), `manage role lacks ${verb} secrets`);
  }
  for (const m of all.filter((x) => x.kind === 'ClusterRoleBinding')) {
    assert.notEqual(
      (m.roleRef as { name: string }).name,
      'mooring-agent-manage',
      `${m.file}: the write role must only be bound per namespace`,
    );
  }
  const perNamespace = byName('RoleBinding', 'mooring-agent-manage');
  assert.equal(
    perNamespace.metadata?.namespace,
    undefined,
    'the per-namespace binding takes its namespace from kubectl -n',
  );
});

test('the single-namespace variant is a Role with the same verbs and no cluster access', () => {
  const role = byName('Role', 'mooring-agent');
  for (const verb of ['get', 'list', 'patch', 'create', 'delete'])
    assert.ok(grants(rulesOf(role), 'apps', 'deployments', verb));
  const binding = byName('RoleBinding', 'mooring-agent');
  assert.deepEqual(binding.roleRef, {
    apiGroup: 'rbac.authorization.k8s.io',
    kind: 'Role',
    name: 'mooring-agent',
  });
});

const WRITE_VERBS = ['create', 'patch', 'update', 'delete', 'deletecollection'];

test('no role writes Namespaces except those it names (resourceNames), nor in the agent home', () => {
  for (const role of all.filter((m) => m.kind === 'ClusterRole' || m.kind === 'Role')) {
    for (const rule of rulesOf(role)) {
      if (!rule.resources?.includes('namespaces') || !rule.verbs.some((v) => WRITE_VERBS.includes(v)))
        continue;
      assert.ok(
        (rule.resourceNames ?? []).length > 0,
        `${role.file}: ${String(role.metadata?.name)} writes namespaces without resourceNames (= every namespace)`,
      );
      assert.ok(!rule.verbs.includes('delete'), `${role.file}: the agent never deletes Namespaces`);
    }
  }
  const named = byName('ClusterRole', 'mooring-agent-namespaces');
  assert.equal(named.file, 'deploy/rbac/optional/named-namespaces.yaml');
  const rbacKustomization = parseYaml(
    readFileSync(join(deployDir, 'rbac', 'kustomization.yaml'), 'utf8'),
  ) as { resources: string[] };
  assert.ok(
    !rbacKustomization.resources.some((r) => r.startsWith('optional')),
    'optional grants are never applied by default',
  );
});

const AGENT_USER = 'system:serviceaccount:mooring-system:mooring-agent';

test('the agent lives in its own namespace, where nothing grants it write access', () => {
  const sa = all.find((m) => m.kind === 'ServiceAccount' && m.file === 'deploy/rbac/service-account.yaml');
  assert.ok(sa, 'deploy/rbac/service-account.yaml has no ServiceAccount');
  assert.equal(`system:serviceaccount:${String(sa.metadata?.namespace)}:mooring-agent`, AGENT_USER);
  const home = 'mooring-system';
  assert.equal(byName('Deployment', 'mooring-agent').metadata?.namespace, home);
  assert.equal(byName('Namespace', home).file, 'deploy/namespace/namespace.yaml');
  assert.ok(DEFAULT_PROTECTED_NAMESPACES.includes(home), 'the default agent policy protects its home');
  for (const m of all.filter((x) => x.kind === 'RoleBinding')) {
    assert.notEqual(m.metadata?.namespace, home, `${m.file}: no RoleBinding in the agent's namespace`);
  }
  for (const m of all.filter((x) => x.kind === 'ClusterRoleBinding')) {
    const role = byName('ClusterRole', (m.roleRef as { name: string }).name);
    for (const rule of rulesOf(role)) {
      if (rule.resourceNames?.length) continue; // named Namespaces only, checked above
      assert.ok(
        rule.verbs.every((v) => !WRITE_VERBS.includes(v)) ||
          m.file === 'deploy/rbac/optional/cluster-scoped-writes.yaml',
        `${m.file}: a cluster-wide binding grants ${rule.verbs.join(',')} on ${String(rule.resources)}`,
      );
    }
  }
});

interface AdmissionPolicy {
  spec: {
    failurePolicy: string;
    matchConstraints: { resourceRules: { resources: string[]; operations: string[] }[] };
    matchConditions: { expression: string }[];
    variables: { name: string; expression: string }[];
    validations: { expression: string; messageExpression: string; reason: string }[];
  };
}

test('an admission policy keeps the agent out of its namespace and off pod-security labels', () => {
  const policy = byName('ValidatingAdmissionPolicy', 'mooring-agent-guard');
  assert.equal(policy.apiVersion, 'admissionregistration.k8s.io/v1');
  assert.equal(policy.file, 'deploy/rbac/admission-policy.yaml');
  const spec = (policy as unknown as AdmissionPolicy).spec;
  assert.equal(spec.failurePolicy, 'Fail', 'an evaluation error must refuse, not let through');
  assert.deepEqual(spec.matchConstraints.resourceRules[0]?.resources, ['*/*']);
  assert.deepEqual(spec.matchConstraints.resourceRules[0]?.operations, [
    'CREATE',
    'UPDATE',
    'DELETE',
    'CONNECT',
  ]);
  assert.deepEqual(
    spec.matchConditions.map((c) => c.expression),
    [`request.userInfo.username == '${AGENT_USER}'`],
    'the policy must name the ServiceAccount of rbac/service-account.yaml',
  );
  const cel = [...spec.variables, ...spec.validations].map((v) => v.expression).join('\n');
  assert.match(cel, /request\.namespace != variables\.home/);
  assert.match(cel, /startsWith\('pod-security\.kubernetes\.io\/'\)/);
  for (const v of spec.validations) assert.equal(v.reason, 'Forbidden');
  const binding = byName('ValidatingAdmissionPolicyBinding', 'mooring-agent-guard');
  assert.deepEqual(binding.spec, { policyName: 'mooring-agent-guard', validationActions: ['Deny'] });
  const rbacKustomization = parseYaml(
    readFileSync(join(deployDir, 'rbac', 'kustomization.yaml'), 'utf8'),
  ) as { resources: string[] };
  assert.ok(rbacKustomization.resources.includes('admission-policy.yaml'));
});

interface PolicyPort {
  protocol: string;
  port: number;
}
interface PolicyPeer {
  namespaceSelector?: { matchLabels: Record<string, string> };
  podSelector?: { matchLabels: Record<string, string> };
  ipBlock?: { cidr: string };
}
interface NetworkPolicySpec {
  podSelector: { matchLabels: Record<string, string> };
  policyTypes: string[];
  ingress: { from?: PolicyPeer[]; ports?: PolicyPort[] }[];
  egress: { to?: PolicyPeer[]; ports?: PolicyPort[] }[];
}
const portsOf = (rule: { ports?: PolicyPort[] }): string[] =>
  (rule.ports ?? []).map((p) => `${p.protocol}/${p.port}`).sort();

/**
 * The NetworkPolicy of a deploy/ component, checked: it selects the component's pods, denies by
 * default both ways, lets in only `inbound` (one port, from the named namespaces), which is the
 * pods' only port, and sends DNS to kube-dns and Temporal to its port.
 */
function networkPolicy(
  name: string,
  dir: string,
  inbound: { port: number; namespaces: string[] } = { port: 9470, namespaces: ['monitoring'] },
): NetworkPolicySpec {
  const np = byName('NetworkPolicy', name);
  assert.equal(np.file, `deploy/${dir}/network-policy.yaml`);
  assert.equal(np.metadata?.namespace, 'mooring-system');
  const kustomization = parseYaml(readFileSync(join(deployDir, dir, 'kustomization.yaml'), 'utf8')) as {
    resources: string[];
  };
  assert.ok(kustomization.resources.includes('network-policy.yaml'), `deploy/${dir} does not apply it`);
  const spec = np.spec as NetworkPolicySpec;
  const pods = (
    byName('Deployment', name).spec as { template: { metadata: { labels: Record<string, string> } } }
  ).template.metadata.labels;
  for (const [k, v] of Object.entries(spec.podSelector.matchLabels))
    assert.equal(pods[k], v, `${name}: the NetworkPolicy does not select the pods`);
  assert.deepEqual(spec.policyTypes, ['Ingress', 'Egress'], 'both directions default to deny');
  assert.equal(spec.ingress.length, 1);
  assert.deepEqual(
    spec.ingress[0]?.from,
    inbound.namespaces.map((ns) => ({
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } },
    })),
  );
  assert.deepEqual(portsOf(spec.ingress[0]!), [`TCP/${inbound.port}`]);
  const metricsPort = podOf(byName('Deployment', name))
    .containers.flatMap((c) => (c as { ports?: { containerPort: number }[] }).ports ?? [])
    .map((p) => p.containerPort);
  assert.deepEqual(metricsPort, [inbound.port], `${name}: the only container port is the one let in`);
  // Egress: DNS to kube-dns; every rule names its ports (no rule opens every port).
  for (const rule of spec.egress)
    assert.ok(portsOf(rule).length > 0, `${name}: an egress rule without ports`);
  const dns = spec.egress.find((r) => portsOf(r).includes('UDP/53'));
  assert.ok(dns, `${name}: no DNS rule`);
  assert.deepEqual(portsOf(dns), ['TCP/53', 'UDP/53']);
  assert.deepEqual(dns.to, [
    {
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
      podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
    },
  ]);
  const temporal = spec.egress.find((r) => portsOf(r).includes('TCP/7233'));
  assert.ok(temporal, `${name}: no Temporal rule`);
  assert.deepEqual(portsOf(temporal), ['TCP/7233']);
  return spec;
}

test('the agent NetworkPolicy allows egress only to DNS, Git, the API server, Temporal and Prometheus', () => {
  const spec = networkPolicy('mooring-agent', 'agent');
  assert.deepEqual(
    spec.egress.map(portsOf),
    [['TCP/53', 'UDP/53'], ['TCP/22', 'TCP/443'], ['TCP/443', 'TCP/6443'], ['TCP/7233'], ['TCP/9090']],
    'DNS, Git, API server, Temporal, Prometheus and nothing else',
  );
  const apiServer = spec.egress[2]!;
  assert.ok(apiServer.to?.length && apiServer.to.every((p) => p.ipBlock?.cidr), 'API server by ipBlock');
  for (const peer of apiServer.to ?? [])
    assert.match(peer.ipBlock?.cidr ?? '', /^(10\.|172\.16\.|192\.168\.)/, 'private ranges only');
});

test('the worker NetworkPolicy allows egress only to DNS and Temporal', () => {
  const spec = networkPolicy('mooring-worker', 'worker');
  assert.deepEqual(spec.egress.map(portsOf), [['TCP/53', 'UDP/53'], ['TCP/7233']]);
});

interface Container {
  name: string;
  args?: string[];
  env?: { name: string; value?: string }[];
  securityContext?: { readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean };
  volumeMounts?: { name: string; mountPath: string }[];
  livenessProbe?: unknown;
  resources?: { requests?: unknown; limits?: unknown };
}
interface PodSpec {
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
  securityContext?: { runAsNonRoot?: boolean };
  containers: Container[];
  volumes: { name: string; emptyDir?: unknown; secret?: { secretName: string } }[];
}
const podOf = (m: Manifest): PodSpec => (m.spec as { template: { spec: PodSpec } }).template.spec;

test('the agent runs one non-root, read-only replica with its cache on an emptyDir', () => {
  const agent = byName('Deployment', 'mooring-agent');
  assert.equal(
    (agent.spec as { replicas: number }).replicas,
    1,
    'the manifest store is local: one agent per cluster',
  );
  const pod = podOf(agent);
  assert.equal(pod.serviceAccountName, 'mooring-agent');
  assert.equal(pod.securityContext?.runAsNonRoot, true);
  const main = pod.containers.find((c) => c.name === 'agent');
  assert.ok(main);
  assert.deepEqual(main.args?.slice(0, 3), ['worker', '--agent', '--cluster']);
  assert.equal(main.securityContext?.readOnlyRootFilesystem, true);
  assert.ok(main.livenessProbe && main.resources?.requests && main.resources.limits);
  const env = new Map(main.env?.map((e) => [e.name, e.value]));
  const cacheMount = main.volumeMounts?.find((v) => v.mountPath === env.get('MOORING_CACHE'));
  assert.ok(cacheMount, 'MOORING_CACHE must be a mounted volume');
  assert.ok(pod.volumes.find((v) => v.name === cacheMount.name)?.emptyDir !== undefined);
  const credentials = env.get('MOORING_GIT_CREDENTIALS_FILE') ?? '';
  const gitMount = main.volumeMounts?.find((v) => credentials.startsWith(`${v.mountPath}/`));
  assert.ok(gitMount, 'MOORING_GIT_CREDENTIALS_FILE must live on a mounted Secret');
  assert.equal(
    pod.volumes.find((v) => v.name === gitMount.name)?.secret?.secretName,
    'mooring-git-credentials',
  );
});

test('the control-plane worker holds no cluster credentials and has a metrics Service', () => {
  const pod = podOf(byName('Deployment', 'mooring-worker'));
  assert.equal(pod.automountServiceAccountToken, false);
  const main = pod.containers.find((c) => c.name === 'worker');
  assert.ok(main && !main.args?.includes('--agent'));
  const service = byName('Service', 'mooring-worker-metrics');
  const labels = (
    byName('Deployment', 'mooring-worker').spec as {
      template: { metadata: { labels: Record<string, string> } };
    }
  ).template.metadata.labels;
  for (const [k, v] of Object.entries((service.spec as { selector: Record<string, string> }).selector))
    assert.equal(labels[k], v);
});

test('KEDA scales the workflow queue, never an agent', () => {
  const scaled = all.filter((m) => m.kind === 'ScaledObject');
  assert.ok(scaled.length >= 2);
  for (const s of scaled)
    assert.equal(
      (s.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name,
      'mooring-worker',
      `${s.file}`,
    );
  const temporal = byName('ScaledObject', 'mooring-worker');
  const trigger = (temporal.spec as { triggers: { type: string; metadata: Record<string, string> }[] })
    .triggers[0];
  assert.equal(trigger?.type, 'temporal');
  assert.equal(trigger.metadata.taskQueue, 'mooring');
  assert.equal(trigger.metadata.queueTypes, 'workflow');
  for (const field of ['endpoint', 'namespace', 'targetQueueSize'])
    assert.ok(trigger.metadata[field], `temporal trigger lacks ${field}`);
});

const DESIGN_METRICS = [
  'mooring_app_info',
  'mooring_sync_total',
  'mooring_sync_duration_seconds',
  'mooring_rollback_total',
  'mooring_drift_detected_total',
  'mooring_git_request_duration_seconds',
  'mooring_k8s_request_total',
];

test('the Grafana dashboard parses and queries every DESIGN metric and Temporal Core', () => {
  const dashboard = JSON.parse(
    readFileSync(join(deployDir, 'grafana', 'mooring-dashboard.json'), 'utf8'),
  ) as {
    schemaVersion: number;
    templating: { list: { name: string; type: string }[] };
    panels: { type: string; datasource?: { uid: string }; targets?: { expr: string }[] }[];
  };
  assert.ok(dashboard.schemaVersion >= 36);
  assert.ok(dashboard.templating.list.some((v) => v.name === 'datasource' && v.type === 'datasource'));
  const queries = dashboard.panels.filter((p) => p.type !== 'row');
  for (const p of queries) assert.equal(p.datasource?.uid, '${datasource}');
  const exprs = queries
    .flatMap((p) => p.targets ?? [])
    .map((t) => t.expr)
    .join('\n');
  for (const metric of DESIGN_METRICS)
    assert.match(exprs, new RegExp(`\\b${metric}(_bucket)?\\b`), `no panel queries ${metric}`);
  assert.match(exprs, /temporal_workflow_task_schedule_to_start_latency_bucket/);
  assert.match(exprs, /temporal_activity_execution_failed/);
  assert.match(exprs, /by \(app, cluster, sync_status, health_status\) \(mooring_app_info/);
});

// docker-compose.yml has its own checks: test/unit/deploy/compose.test.ts.
test('Prometheus scrapes the worker on its loopback /metrics', () => {
  const prometheus = parseYaml(readFileSync(join(deployDir, 'prometheus', 'prometheus.yml'), 'utf8')) as {
    scrape_configs: { static_configs: { targets: string[] }[] }[];
  };
  assert.ok(
    prometheus.scrape_configs.some((c) =>
      c.static_configs.some((sc) => sc.targets.includes('127.0.0.1:9464')),
    ),
  );
});

test('the compose one-shot registers every listed search attribute as Keyword', () => {
  const script = readFileSync(join(deployDir, 'temporal', 'setup-namespace.sh'), 'utf8');
  assert.match(script, /for name in \$MOORING_SEARCH_ATTRIBUTES/);
  assert.match(script, /search-attribute create [^\n]*--name "\$name" --type Keyword/);
});

test('scripts/stack up registers exactly the search attributes the contract defines', () => {
  const stack = readFileSync(join(deployDir, '..', 'scripts', 'stack'), 'utf8');
  const loop = /for attr in ([A-Za-z ]+); do/.exec(stack);
  assert.ok(loop, 'scripts/stack has no search-attribute loop');
  assert.deepEqual(loop[1]!.trim().split(/\s+/), [...SEARCH_ATTRIBUTES]);
});

test('the agent starts with a policy, both with the payload codec from their mounts; the control plane needs no policy', () => {
  const noFiles = (path: string): string => {
    throw new Error(`unexpected read of ${path}`);
  };
  const cases = [
    ['mooring-agent', 'mooring-agent-policy'],
    ['mooring-worker', undefined],
  ] as const;
  for (const [deployment, configMap] of cases) {
    type Container = {
      name: string;
      args?: string[];
      env?: { name: string; value?: string }[];
      volumeMounts?: { name: string; mountPath: string }[];
    };
    const pod = (byName('Deployment', deployment).spec as { template: { spec: Record<string, unknown> } })
      .template.spec as {
      containers: Container[];
      volumes: {
        name: string;
        configMap?: { name: string };
        secret?: { secretName: string; optional?: boolean };
      }[];
    };
    const main = pod.containers[0] as Container;
    if (configMap === undefined) {
      assert.deepEqual(main.args?.slice(0, 2), ['worker', '--control-plane'], deployment);
      assert.ok(!main.args?.includes('--policy') && !main.args?.includes('--kubeconfig'), deployment);
    } else {
      const policyPath = main.args?.[main.args.indexOf('--policy') + 1] ?? '';
      const mount = main.volumeMounts?.find((m) => policyPath.startsWith(`${m.mountPath}/`));
      assert.ok(mount, `${deployment}: --policy ${policyPath} is on no mount`);
      assert.equal(pod.volumes.find((v) => v.name === mount.name)?.configMap?.name, configMap);
      const data = (byName('ConfigMap', configMap).data as Record<string, string>)['policy.yaml'] ?? '';
      const { policy } = parsePolicy(data, `${configMap}/policy.yaml`, noFiles);
      assert.deepEqual(policy.settings.allowedRepoSchemes, ['https', 'ssh']);
    }
    const codecFile = main.env?.find((e) => e.name === 'MOORING_CODEC_KEYS_FILE')?.value ?? '';
    const codecMount = main.volumeMounts?.find((m) => codecFile.startsWith(`${m.mountPath}/`));
    const codecVolume = pod.volumes.find((v) => v.name === codecMount?.name);
    assert.equal(codecVolume?.secret?.secretName, 'mooring-codec-keys');
    assert.equal(codecVolume.secret.optional, false, 'the codec is on: no key, no start');
  }
});

test('the agent and the worker reach Temporal with mutual TLS and a token, from required Secrets', () => {
  const names = new Set<string>(Object.values(CONNECTION_ENV));
  for (const deployment of ['mooring-agent', 'mooring-worker']) {
    const pod = (byName('Deployment', deployment).spec as { template: { spec: Record<string, unknown> } })
      .template.spec as {
      containers: {
        env?: { name: string; value?: string }[];
        volumeMounts?: { name: string; mountPath: string }[];
      }[];
      volumes: { name: string; secret?: { secretName: string; optional?: boolean } }[];
    };
    const main = pod.containers[0]!;
    const env = new Map((main.env ?? []).map((e) => [e.name, e.value]));
    for (const name of [...env.keys()].filter((n) => n.startsWith('TEMPORAL_')))
      assert.ok(names.has(name), `${deployment}: ${name} is not read by client/temporal-connection.ts`);
    for (const key of ['tlsCaFile', 'tlsCertFile', 'tlsKeyFile', 'apiKeyFile'] as const) {
      const path = env.get(CONNECTION_ENV[key]);
      assert.ok(path, `${deployment}: ${CONNECTION_ENV[key]} is not set`);
      const mount = main.volumeMounts?.find((m) => path.startsWith(`${m.mountPath}/`));
      const volume = pod.volumes.find((v) => v.name === mount?.name);
      assert.ok(volume?.secret, `${deployment}: ${path} is not in a Secret volume`);
      assert.equal(
        volume.secret.optional,
        false,
        `${deployment}: Secret ${volume.secret.secretName} must be required`,
      );
    }
  }
});

test('the webhook receiver holds no cluster credentials, reaches only DNS and Temporal, and is probed on /healthz', () => {
  const spec = networkPolicy('mooring-webhook', 'webhook', {
    port: 9480,
    namespaces: ['ingress-nginx', 'monitoring'],
  });
  assert.deepEqual(spec.egress.map(portsOf), [['TCP/53', 'UDP/53'], ['TCP/7233']]);
  const deployment = byName('Deployment', 'mooring-webhook');
  const pod = podOf(deployment);
  assert.equal(pod.automountServiceAccountToken, false);
  assert.equal(pod.securityContext?.runAsNonRoot, true);
  const main = pod.containers.find((c) => c.name === 'webhook');
  assert.ok(main, 'a webhook container');
  assert.deepEqual(main.args?.slice(0, 3), ['webhook', '--listen', '0.0.0.0:9480']);
  assert.equal(main.securityContext?.readOnlyRootFilesystem, true);
  const env = new Map((main.env ?? []).map((e) => [e.name, e.value]));
  const secretsMount = main.volumeMounts?.find((m) => m.name === 'webhook-secrets')?.mountPath;
  assert.ok(
    env.get('MOORING_WEBHOOK_GITHUB_SECRET_FILE')?.startsWith(`${secretsMount}/`),
    'the secret from its mount',
  );
  assert.deepEqual(main.livenessProbe, {
    httpGet: { path: '/healthz', port: 'http' },
    periodSeconds: 30,
    failureThreshold: 3,
  });
  const service = byName('Service', 'mooring-webhook');
  const labels = (deployment.spec as { template: { metadata: { labels: Record<string, string> } } }).template
    .metadata.labels;
  for (const [k, v] of Object.entries((service.spec as { selector: Record<string, string> }).selector))
    assert.equal(labels[k], v);
});
