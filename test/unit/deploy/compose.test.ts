/**
 * docker-compose.yml against the Compose specification's own JSON schema (from the compose-go
 * module, pinned in scripts/compose/go-module.ts; needs Go's module cache, no stack), and the
 * rules of the file that a container engine would not check: every published port on 127.0.0.1,
 * secrets only as files, the connection variables every Mooring process reads, each agent with
 * only its own credentials, and a native plan that follows the file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { CONNECTION_ENV } from '../../../client/temporal-connection.js';
import { CODEC_KEYS_FILE_ENV } from '../../../client/codec-keys.js';
import { SEARCH_ATTRIBUTES } from '../../../contract/search-attributes.js';
import { composeSchemaFile } from '../../../scripts/compose/go-module.js';
import { interpolate, nativePlan } from '../../../scripts/compose/native-plan.js';
import type { NativeStep } from '../../../scripts/compose/native-plan.js';

const root = new URL('../../..', import.meta.url).pathname.replace(/\/$/, '');
const composeText = readFileSync(join(root, 'docker-compose.yml'), 'utf8');
const variables = { MOORING_PG_PASSWORD: 'pw-from-env', HOME: '/home/op' };

interface Service {
  image?: string;
  build?: { dockerfile?: string; target?: string };
  entrypoint?: string[];
  command?: string[];
  environment?: Record<string, string>;
  ports?: (string | { host_ip?: string; published?: string | number })[];
  secrets?: (string | { source: string; target?: string })[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  'x-mooring-native'?: { external?: string };
}
const compose = interpolate(parse(composeText, { merge: true }), variables, '') as {
  services: Record<string, Service>;
  secrets: Record<string, { file: string }>;
};
const services = compose.services;
const secretNames = (s: Service): string[] =>
  (s.secrets ?? []).map((x) => (typeof x === 'string' ? x : x.source));

function validator(): (doc: unknown) => string[] {
  const schema = JSON.parse(readFileSync(composeSchemaFile(), 'utf8')) as object;
  // strict: false because the specification uses annotation keywords Ajv does not know.
  const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
  return (doc) =>
    validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
}

test('docker-compose.yml is valid against the Compose specification schema', () => {
  const check = validator();
  assert.deepEqual(check(compose), []);
  // The schema is really applied: a port given as a list and an unknown key are refused.
  const broken = structuredClone(compose) as unknown as { services: Record<string, Record<string, unknown>> };
  broken.services.temporal!.ports = [['7233']];
  broken.services.worker!.restart_policy = 'always';
  const errors = check(broken);
  assert.ok(
    errors.some((e) => e.startsWith('/services/temporal/ports/0')),
    errors.join('\n'),
  );
  assert.ok(
    errors.some((e) => /^\/services\/worker must NOT have (unevaluated|additional) properties/.test(e)),
    errors.join('\n'),
  );
});

test('every published port is bound to 127.0.0.1', () => {
  const published = Object.entries(services).flatMap(([name, s]) =>
    (s.ports ?? []).map((p) => ({ name, p })),
  );
  assert.ok(published.length >= 4, 'temporal, UI, codec server and Prometheus publish a port');
  for (const { name, p } of published) {
    const ip = typeof p === 'string' ? /^(\d+\.\d+\.\d+\.\d+):\d+:\d+$/.exec(p)?.[1] : p.host_ip;
    assert.equal(ip, '127.0.0.1', `service ${name} publishes ${JSON.stringify(p)} beyond loopback`);
  }
});

test('the topology: services, images built here, health-gated order', () => {
  assert.deepEqual(Object.keys(services).sort(), [
    'agent-eu-central',
    'agent-us-east',
    'codec-server',
    'postgresql',
    'prometheus',
    'temporal',
    'temporal-schema',
    'temporal-setup',
    'temporal-ui',
    'worker',
  ]);
  for (const [name, s] of Object.entries(services))
    assert.match(s.image ?? '', /^[\w./-]+:(?!latest$)[\w.-]+$/, `service ${name}: image must be pinned`);
  assert.equal(services.temporal?.build?.dockerfile, 'deploy/docker/Dockerfile.temporal');
  assert.equal(services.temporal?.build?.target, 'server');
  assert.equal(services['temporal-ui']?.build?.target, 'ui');
  assert.equal(services.worker?.build?.dockerfile, 'deploy/docker/Dockerfile');
  assert.deepEqual(services.temporal?.entrypoint, ['mooring-temporal-server']);
  assert.deepEqual(services.temporal?.command, [
    '--config-file',
    '/etc/temporal/server-config.yaml',
    '--jwks',
    '/etc/mooring/jwt/jwks.json',
  ]);
  assert.deepEqual(services['temporal-ui']?.entrypoint, ['mooring-temporal-ui']);
  const cond = (svc: string, dep: string): string | undefined => services[svc]?.depends_on?.[dep]?.condition;
  assert.equal(cond('temporal-schema', 'postgresql'), 'service_healthy');
  assert.equal(cond('temporal', 'temporal-schema'), 'service_completed_successfully');
  assert.equal(cond('temporal-setup', 'temporal'), 'service_healthy');
  assert.equal(cond('worker', 'temporal-setup'), 'service_completed_successfully');
  assert.equal(cond('agent-us-east', 'worker'), 'service_healthy');
  const deviations = Object.entries(services).filter(([, s]) => s['x-mooring-native'] !== undefined);
  assert.deepEqual(
    deviations.map(([n]) => n),
    ['postgresql'],
    'x-mooring-native is only for what cannot run verbatim',
  );
  const registered = (services['temporal-setup']?.environment?.MOORING_SEARCH_ATTRIBUTES ?? '').split(/\s+/);
  assert.deepEqual(registered, [...SEARCH_ATTRIBUTES]);
});

test('secrets are files: no credential is an inline environment value', () => {
  for (const [name, s] of Object.entries(services))
    for (const [key, value] of Object.entries(s.environment ?? {})) {
      if (!/CERT|KEY|TOKEN|CA$|CREDENTIALS|JWKS/.test(key) || key === 'MOORING_SEARCH_ATTRIBUTES') continue;
      assert.match(value, /^\/run\/secrets\/[\w-]+$/, `service ${name}: ${key} must name a mounted secret`);
      const secret = value.slice('/run/secrets/'.length);
      assert.ok(
        secretNames(s).includes(secret),
        `service ${name}: ${key} names secret ${secret} it does not mount`,
      );
    }
  // The database password comes from the operator's environment, never from the file itself.
  assert.doesNotMatch(composeText, /PASSWORD: (?!\$\{MOORING_PG_PASSWORD:\?)/);
  assert.equal(services.temporal?.environment?.MOORING_PG_PASSWORD, 'pw-from-env');
});

const mooringProcesses = ['worker', 'agent-us-east', 'agent-eu-central'];

test('Mooring processes connect with the variables client/temporal-connection.ts reads', () => {
  const known = new Set<string>([...Object.values(CONNECTION_ENV), CODEC_KEYS_FILE_ENV]);
  for (const name of mooringProcesses) {
    const env = services[name]?.environment ?? {};
    for (const key of Object.keys(env).filter((k) => k.startsWith('TEMPORAL_')))
      assert.ok(known.has(key), `service ${name}: ${key} is not a variable Mooring reads`);
    for (const key of [
      'address',
      'namespace',
      'tlsCaFile',
      'tlsCertFile',
      'tlsKeyFile',
      'apiKeyFile',
    ] as const)
      assert.ok(env[CONNECTION_ENV[key]], `service ${name}: ${CONNECTION_ENV[key]} is not set`);
    assert.ok(env[CODEC_KEYS_FILE_ENV], `service ${name}: ${CODEC_KEYS_FILE_ENV} is not set`);
  }
});

test('the control plane holds no kubeconfig; each agent only its own credentials', () => {
  const worker = services.worker!;
  assert.ok(!worker.command?.includes('--kubeconfig'));
  assert.ok(!secretNames(worker).some((s) => s.includes('kubeconfig') || s.startsWith('agent-')));
  assert.deepEqual(worker.command?.slice(0, 2), ['worker', '--control-plane']);
  for (const cluster of ['us-east', 'eu-central']) {
    const agent = services[`agent-${cluster}`]!;
    const cmd = agent.command ?? [];
    assert.deepEqual(cmd.slice(0, 4), ['worker', '--agent', '--cluster', cluster]);
    assert.equal(cmd[cmd.indexOf('--kubeconfig') + 1], `/run/secrets/agent-${cluster}-kubeconfig`);
    const own = secretNames(agent).filter((s) => s.startsWith('agent-'));
    assert.deepEqual(
      own.sort(),
      ['cert', 'key', 'kubeconfig', 'token'].map((k) => `agent-${cluster}-${k}`).sort(),
    );
    assert.ok(!secretNames(agent).some((s) => s.startsWith('admin') || s.startsWith('control-plane')));
  }
});

test('the native plan runs the services in depends_on order with their own commands and env', () => {
  const plan = nativePlan(composeText, {
    projectDir: root,
    variables,
    paths: {
      '/app': root,
      '/var/lib/postgresql/data': '/state/pg',
      '/var/cache/mooring': '/state/cache',
      '/prometheus': '/state/prometheus',
    },
    secrets: { 'agent-us-east-kubeconfig': '/state/kube/us-east.kubeconfig' },
  });
  const names = plan.map((s) => s.service);
  const index = (n: string): number => names.indexOf(n);
  for (const [svc, deps] of Object.entries(services))
    for (const dep of Object.keys(deps.depends_on ?? {}))
      assert.ok(index(dep) < index(svc), `${dep} must start before ${svc}: ${names.join(', ')}`);
  const by = (n: string): NativeStep => plan.find((s) => s.service === n)!;

  assert.equal(by('postgresql').kind, 'external');
  assert.match(by('postgresql').reason ?? '', /scripts\/stack/);
  assert.equal(by('temporal-schema').oneShot, true);
  assert.equal(by('temporal-setup').oneShot, true);
  assert.equal(by('temporal').oneShot, false);
  assert.deepEqual(by('temporal').argv, [
    'mooring-temporal-server',
    '--config-file',
    join(root, 'deploy/temporal/server-config.yaml'),
    '--jwks',
    join(root, '.secrets/jwks.json'),
  ]);
  assert.equal(by('temporal').env.TEMPORAL_BIND_IP, '127.0.0.1');
  assert.equal(by('temporal').env.MOORING_PG_HOST, '127.0.0.1');
  assert.equal(by('temporal').env.MOORING_PG_PASSWORD, 'pw-from-env');
  assert.equal(by('temporal').env.MOORING_TLS_CA, join(root, '.secrets/ca.crt'));
  assert.equal(by('temporal-schema').argv[1], join(root, 'deploy/temporal/setup-schema.sh'));

  const agent = by('agent-us-east');
  assert.equal(agent.argv[0], join(root, 'bin/mooring'));
  assert.equal(agent.argv[agent.argv.indexOf('--kubeconfig') + 1], '/state/kube/us-east.kubeconfig');
  assert.equal(agent.env.TEMPORAL_ADDRESS, '127.0.0.1:7233');
  assert.equal(agent.env.TEMPORAL_API_KEY_FILE, join(root, '.secrets/agent-us-east.jwt'));
  assert.equal(agent.env.MOORING_CACHE, '/state/cache/agent-us-east');
  assert.equal(agent.env.MOORING_POLICY_FILE, undefined);
  assert.equal(
    agent.argv[agent.argv.indexOf('--policy') + 1],
    join(root, 'config/examples/policy-local.yaml'),
  );
  assert.deepEqual(agent.overridden, []);
  assert.deepEqual(agent.healthcheck, ['node', join(root, 'deploy/docker/probe.mjs')]);
  assert.deepEqual(by('temporal').healthcheck, ['bash', '-c', 'exec 3<>/dev/tcp/127.0.0.1/7233']);
  assert.ok(
    by('prometheus').argv.includes('--web.listen-address=127.0.0.1:9090'),
    by('prometheus').argv.join(' '),
  );
  assert.ok(by('prometheus').argv.includes('--storage.tsdb.path=/state/prometheus'));
  assert.ok(by('codec-server').argv.includes('127.0.0.1'));
});

test('the native plan refuses what it cannot follow, saying where', () => {
  assert.throws(
    () => nativePlan(composeText, { projectDir: root, variables: {} }),
    /MOORING_PG_PASSWORD is required/,
  );
  assert.throws(
    () => nativePlan(composeText, { projectDir: root, variables }),
    /Service worker: named volume worker-cache \(\/var\/cache\/mooring\/worker\) has no host path/,
  );
  const noEntrypoint = 'services:\n  a:\n    image: x:1\n    command: ["run"]\n';
  assert.throws(
    () => nativePlan(noEntrypoint, { projectDir: root, variables }),
    /Service a has no explicit entrypoint/,
  );
  const cycle =
    'services:\n  a: {image: x:1, entrypoint: [a], depends_on: [b]}\n  b: {image: x:1, entrypoint: [b], depends_on: [a]}\n';
  assert.throws(() => nativePlan(cycle, { projectDir: root, variables }), /cycle among: a, b/);
});

test('the Temporal server and UI get only variables their config template or binary reads', () => {
  for (const [service, config, wrapper] of [
    ['temporal', 'server-config.yaml', 'temporal-server'],
    ['temporal-ui', 'ui-config.yaml', 'temporal-ui'],
  ] as const) {
    const template = readFileSync(join(root, 'deploy', 'temporal', config), 'utf8');
    const goDir = join(root, 'scripts', 'gomod', wrapper);
    const go = readdirSync(goDir)
      .filter((f) => f.endsWith('.go'))
      .map((f) => readFileSync(join(goDir, f), 'utf8'))
      .join('\n');
    const read = new Set([
      ...[...template.matchAll(/env "(\w+)"/g)].map((m) => m[1]),
      ...[...go.matchAll(/"((?:MOORING|TEMPORAL)_[A-Z_]+)"/g)].map((m) => m[1]),
    ]);
    const required = [...template.matchAll(/env "(\w+)" \| required/g)].map((m) => m[1] as string);
    const env = services[service]?.environment ?? {};
    for (const key of Object.keys(env))
      assert.ok(read.has(key), `service ${service}: ${key} is not read by deploy/temporal/${config}`);
    for (const key of required) assert.ok(env[key], `service ${service}: ${key} is required by ${config}`);
  }
});

test('worker and agents use distinct metrics ports (each also takes the next one)', () => {
  const ports = mooringProcesses.map((n) => {
    const cmd = services[n]?.command ?? [];
    return Number(cmd[cmd.indexOf('--metrics-port') + 1]);
  });
  const taken = ports.flatMap((p) => [p, p + 1]);
  assert.equal(new Set(taken).size, taken.length, `metrics ports overlap: ${ports.join(', ')}`);
});

test('a variable whose value is a service name but not an address keeps it (a user named temporal)', () => {
  const steps = nativePlan(
    `services:
  db: { image: x, entrypoint: [run], environment: { DB_HOST: db, DB_USER: db, URL: "http://db:5432/x" } }
`,
    { projectDir: '/p', variables: {} },
  );
  assert.deepEqual(steps[0]?.env, { DB_HOST: '127.0.0.1', DB_USER: 'db', URL: 'http://127.0.0.1:5432/x' });
});
