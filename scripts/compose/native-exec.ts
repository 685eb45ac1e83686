/**
 * Runs one docker-compose.yml service as a host process, exactly as the file says (native-plan.ts:
 * its entrypoint + command, its environment, container paths mapped to this stack's files), so
 * `scripts/stack up --profile production` runs the topology compose describes, not a copy of it.
 *
 *   node --import tsx scripts/compose/native-exec.ts <service> --state <dir> [--detach]
 *        [--port <compose>=<host>]... [--set <service>.<VAR>=<value>]...
 *
 * `--state` is the production profile's directory (scripts/lib/production.sh): its pki/, jwt/,
 * secrets/ and kubeconfig-<cluster> files stand in for compose's secrets, its cache/ for the named
 * volumes. `--port` moves a published port (e.g. 7233=7333 for a second stack beside the default
 * one) in every argument and variable that names it; `--set` adds or replaces a variable. Both are
 * printed, as deviations from the file. With `--detach` the service runs in its own session (log
 * `<state>/<service>.log`, pid `<state>/<service>.pid`) and this exits; without, this waits and
 * exits with the service's code (one-shot services).
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { nativePlan } from './native-plan.js';
import type { NativeStep } from './native-plan.js';

const ROOT = resolve(import.meta.dirname, '../..');
const CLUSTERS = ['us-east', 'eu-central'];
const IDENTITIES = [
  'admin',
  'operator',
  'control-plane',
  'ui',
  'reader',
  ...CLUSTERS.map((c) => `agent-${c}`),
];

/** Compose's secrets by name → the production profile's files. */
export function stackSecrets(state: string): Record<string, string> {
  const secrets: Record<string, string> = {
    'temporal-ca': join(state, 'pki', 'ca.pem'),
    'temporal-server-cert': join(state, 'pki', 'server.pem'),
    'temporal-server-key': join(state, 'pki', 'server-key.pem'),
    'temporal-jwks': join(state, 'jwt', 'jwks.json'),
    'codec-keys': join(state, 'secrets', 'codec-keys.yaml'),
  };
  for (const who of IDENTITIES) {
    secrets[`${who}-cert`] = join(state, 'pki', `${who}.pem`);
    secrets[`${who}-key`] = join(state, 'pki', `${who}-key.pem`);
    secrets[`${who}-token`] = join(state, 'jwt', `${who}.jwt`);
  }
  for (const cluster of CLUSTERS)
    secrets[`agent-${cluster}-kubeconfig`] = join(state, `kubeconfig-${cluster}`);
  return secrets;
}

/** Named volumes and image directories → host directories. */
export function stackPaths(state: string): Record<string, string> {
  const paths: Record<string, string> = {
    '/app': ROOT,
    '/var/cache/mooring/worker': join(state, 'cache', 'worker'),
    '/prometheus': join(state, 'prometheus'),
  };
  for (const cluster of CLUSTERS)
    paths[`/var/cache/mooring/agent-${cluster}`] = join(state, 'cache', `agent-${cluster}`);
  return paths;
}

/** Replaces a published port wherever a value names it: `7233`, `host:7233`, `http://host:7233/x`. */
export function movePorts(value: string, ports: ReadonlyMap<string, string>): string {
  let out = value;
  for (const [from, to] of ports)
    out = out.replace(new RegExp(`(^|:)${from}(?=$|/)`, 'g'), (_m, lead: string) => `${lead}${to}`);
  return out;
}

/** The service's step with the stack's paths, moved ports and set variables applied. */
export function serviceStep(
  service: string,
  options: {
    state: string;
    variables: Readonly<Record<string, string | undefined>>;
    ports?: ReadonlyMap<string, string>;
    set?: Readonly<Record<string, string>>;
  },
): NativeStep & { deviations: string[] } {
  const steps = nativePlan(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), {
    projectDir: ROOT,
    variables: options.variables,
    paths: stackPaths(options.state),
    secrets: stackSecrets(options.state),
  });
  const step = steps.find((s) => s.service === service);
  if (!step)
    throw new Error(
      `docker-compose.yml has no service "${service}": services are ${steps.map((s) => s.service).join(', ')}`,
    );
  if (step.kind === 'external')
    throw new Error(`Service ${service} is not run natively by this tool: ${step.reason ?? ''}`);
  const ports = new Map([...(options.ports ?? [])].filter(([from, to]) => from !== to));
  const deviations = [...ports].map(([from, to]) => `port ${from} → ${to}`);
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(step.env)) env[k] = movePorts(v, ports);
  for (const [k, v] of Object.entries(options.set ?? {})) {
    deviations.push(`${k} set`);
    env[k] = v;
  }
  return { ...step, argv: step.argv.map((a) => movePorts(a, ports)), env, deviations };
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      state: { type: 'string' },
      detach: { type: 'boolean', default: false },
      port: { type: 'string', multiple: true, default: [] },
      set: { type: 'string', multiple: true, default: [] },
    },
  });
  const service = positionals[0];
  if (!service || !values.state)
    throw new Error(
      'usage: native-exec.ts <service> --state <dir> [--detach] [--port A=B]... [--set VAR=value]...',
    );
  const pair = (text: string, what: string): [string, string] => {
    const at = text.indexOf('=');
    if (at <= 0) throw new Error(`${what} "${text}" must look like NAME=VALUE`);
    return [text.slice(0, at), text.slice(at + 1)];
  };
  const step = serviceStep(service, {
    state: values.state,
    variables: process.env,
    ports: new Map(values.port.map((p) => pair(p, '--port'))),
    set: Object.fromEntries(values.set.map((s) => pair(s, '--set'))),
  });
  // The host's PATH and HOME (an image has its own); nothing else of this shell leaks in.
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/', ...step.env };
  const [command, ...args] = step.argv as [string, ...string[]];
  const banner =
    `[compose] ${service}: ${step.argv.join(' ')}\n` +
    `[compose] ${service}: env ${Object.keys(step.env).sort().join(' ')}` +
    (step.deviations.length
      ? `\n[compose] ${service}: deviations from docker-compose.yml: ${step.deviations.join(', ')}`
      : '');
  if (values.detach) {
    const log = openSync(join(values.state, `${service}.log`), 'a');
    writeFileSync(log, `${banner}\n`);
    const child = spawn(command, args, { env, detached: true, stdio: ['ignore', log, log] });
    closeSync(log);
    if (child.pid === undefined) throw new Error(`Cannot start ${service}: ${command} did not spawn`);
    writeFileSync(join(values.state, `${service}.pid`), `${child.pid}\n`);
    child.unref();
    return;
  }
  console.error(banner);
  const child = spawn(command, args, { env, stdio: 'inherit' });
  const code = await new Promise<number>((done) => {
    child.on('error', (err) => {
      console.error(`[compose] ${service}: ${err.message}`);
      done(127);
    });
    child.on('exit', (c, signal) => done(c ?? (signal ? 128 : 1)));
  });
  process.exitCode = code;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) await main();
