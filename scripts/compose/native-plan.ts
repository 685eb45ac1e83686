/**
 * Turns docker-compose.yml into the processes that run the same topology natively: services in
 * depends_on order, each with `entrypoint` + `command` as its argv and `environment` as its env,
 * after the compose variable interpolation. Container paths (bind mounts, named volumes, secrets,
 * directories inside an image) become host paths; service names and 0.0.0.0 become 127.0.0.1,
 * since every process shares the host's loopback. A service's `x-mooring-native.external` says that
 * something else starts it (its reason is kept); nothing else deviates from the file.
 */
import { isAbsolute, join, resolve } from 'node:path';
import { parse } from 'yaml';

export interface NativePlanOptions {
  /** Directory of the compose file: relative bind sources and secret files resolve against it. */
  projectDir: string;
  /** Variables for `${VAR}` interpolation (compose reads the shell environment). */
  variables: Readonly<Record<string, string | undefined>>;
  /**
   * Host path of each container path that is not a bind mount: named volumes' targets and
   * directories inside the images (e.g. `/app` → the checkout, `/etc/temporal/schema`).
   */
  paths?: Readonly<Record<string, string>>;
  /** Host file of a secret, by secret name, instead of its `file:`. */
  secrets?: Readonly<Record<string, string>>;
  /** Compose profiles to include (services without `profiles` are always included). */
  profiles?: readonly string[];
  /** Environment entries replaced per service; each one is listed in the step's `overridden`. */
  overrides?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

export interface NativeStep {
  service: string;
  /** `run`: start argv with env; `external`: started by something else (see `reason`). */
  kind: 'run' | 'external';
  reason?: string;
  argv: string[];
  env: Record<string, string>;
  /** Runs to completion before its dependants start (depends_on: service_completed_successfully). */
  oneShot: boolean;
  /** The services it waits for and how (compose depends_on conditions). */
  dependsOn: Record<string, string>;
  /** Environment names replaced by `options.overrides`. */
  overridden: string[];
  /** The healthcheck's command, host paths and addresses applied (CMD-SHELL becomes sh -c). */
  healthcheck?: string[];
}

/** A compose file the plan cannot follow; the message names the service and the field. */
export class NativePlanError extends Error {
  override name = 'NativePlanError';
}

interface Service {
  entrypoint?: unknown;
  command?: unknown;
  environment?: Record<string, unknown> | string[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  volumes?: (string | { type?: string; source?: string; target: string })[];
  secrets?: (string | { source: string; target?: string })[];
  profiles?: string[];
  healthcheck?: { test?: string[] | string; disable?: boolean };
  'x-mooring-native'?: { external?: string };
}

interface ComposeFile {
  services: Record<string, Service>;
  secrets?: Record<string, { file?: string }>;
}

/** The native steps of `composeText`, dependencies first. */
export function nativePlan(composeText: string, options: NativePlanOptions): NativeStep[] {
  const raw: unknown = parse(composeText, { merge: true });
  const compose = interpolate(raw, options.variables, '') as ComposeFile;
  if (!compose || typeof compose.services !== 'object')
    throw new NativePlanError('The compose file has no `services` mapping');
  const profiles = new Set(options.profiles ?? []);
  const selected = Object.entries(compose.services).filter(
    ([, s]) => !s.profiles || s.profiles.some((p) => profiles.has(p)),
  );
  const names = selected.map(([name]) => name);
  const services = new Map(selected);
  return order(services).map((name) => step(name, services.get(name) as Service, compose, names, options));
}

function step(
  name: string,
  service: Service,
  compose: ComposeFile,
  serviceNames: readonly string[],
  options: NativePlanOptions,
): NativeStep {
  const dependsOn = dependencies(service);
  const oneShot = planDependants(name, compose).includes('service_completed_successfully');
  const native = service['x-mooring-native'];
  if (native?.external !== undefined)
    return {
      service: name,
      kind: 'external',
      reason: native.external,
      argv: [],
      env: {},
      oneShot,
      dependsOn,
      overridden: [],
    };

  const mounts = mountsOf(name, service, compose, options);
  const toHost = (value: string, bare = false): string =>
    hostAddresses(hostPath(value, mounts), serviceNames, bare);
  const argv = [
    ...argvPart(name, 'entrypoint', service.entrypoint),
    ...argvPart(name, 'command', service.command),
  ];
  if (argv.length === 0 || service.entrypoint === undefined)
    throw new NativePlanError(
      `Service ${name} has no explicit entrypoint: write the image's entrypoint into docker-compose.yml so the native run uses the same command`,
    );
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(environment(name, service)))
    env[key] = toHost(value, ADDRESS_VARIABLE.test(key));
  const overrides = options.overrides?.[name] ?? {};
  Object.assign(env, overrides);
  return {
    service: name,
    kind: 'run',
    argv: argv.map((a) => toHost(a)),
    env,
    oneShot,
    dependsOn,
    overridden: Object.keys(overrides),
    healthcheck: healthcheck(service)?.map((a) => toHost(a)),
  };
}

function healthcheck(service: Service): string[] | undefined {
  const test = service.healthcheck?.disable ? undefined : service.healthcheck?.test;
  if (test === undefined) return undefined;
  if (typeof test === 'string') return ['sh', '-c', test];
  const [kind, ...rest] = test;
  if (kind === 'CMD') return rest;
  if (kind === 'CMD-SHELL') return ['sh', '-c', rest.join(' ')];
  return undefined;
}

/** How other services wait for `name` (their depends_on conditions on it). */
function planDependants(name: string, compose: ComposeFile): string[] {
  return Object.values(compose.services)
    .map((s) => dependencies(s)[name])
    .filter((c): c is string => c !== undefined);
}

function dependencies(service: Service): Record<string, string> {
  const deps = service.depends_on;
  if (!deps) return {};
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((d) => [d, 'service_started']));
  return Object.fromEntries(Object.entries(deps).map(([d, v]) => [d, v?.condition ?? 'service_started']));
}

/** Dependencies first; among services free to start, the file's order. */
function order(services: Map<string, Service>): string[] {
  const done: string[] = [];
  const pending = [...services.keys()];
  while (pending.length > 0) {
    const next = pending.findIndex((name) =>
      Object.keys(dependencies(services.get(name) as Service)).every((d) => done.includes(d)),
    );
    if (next < 0) {
      const missing = pending.flatMap((n) =>
        Object.keys(dependencies(services.get(n) as Service))
          .filter((d) => !services.has(d))
          .map((d) => `${n} → ${d}`),
      );
      throw new NativePlanError(
        missing.length > 0
          ? `depends_on names services that are not selected: ${missing.join(', ')} (check profiles)`
          : `depends_on has a cycle among: ${pending.join(', ')}`,
      );
    }
    done.push(...pending.splice(next, 1));
  }
  return done;
}

function argvPart(service: string, field: string, value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string'))
    throw new NativePlanError(
      `Service ${service}: \`${field}\` must be a list of strings (exec form) for a native run, not ${JSON.stringify(value)}`,
    );
  return value;
}

function environment(service: string, s: Service): Record<string, string> {
  const env = s.environment ?? {};
  if (Array.isArray(env))
    return Object.fromEntries(
      env.map((entry) => {
        const at = entry.indexOf('=');
        if (at < 0)
          throw new NativePlanError(`Service ${service}: environment entry "${entry}" has no value`);
        return [entry.slice(0, at), entry.slice(at + 1)];
      }),
    );
  return Object.fromEntries(
    Object.entries(env).map(([k, v]) => {
      if (v === null || typeof v === 'object')
        throw new NativePlanError(`Service ${service}: environment ${k} has no value`);
      return [k, String(v as string | number | boolean)];
    }),
  );
}

/** Container path → host path, longest target first. */
type Mounts = [string, string][];

function mountsOf(name: string, service: Service, compose: ComposeFile, options: NativePlanOptions): Mounts {
  const mounts: Mounts = Object.entries(options.paths ?? {});
  for (const volume of service.volumes ?? []) {
    const { source, target } =
      typeof volume === 'string' ? splitVolume(volume) : { source: volume.source, target: volume.target };
    if (source === undefined) continue;
    if (source.startsWith('.') || source.startsWith('~') || isAbsolute(source)) {
      const home = options.variables.HOME ?? '';
      mounts.push([
        target,
        source.startsWith('~') ? join(home, source.slice(1)) : resolve(options.projectDir, source),
      ]);
    } else if (!Object.keys(options.paths ?? {}).some((p) => target === p || target.startsWith(`${p}/`)))
      throw new NativePlanError(
        `Service ${name}: named volume ${source} (${target}) has no host path: pass it in options.paths["${target}"]`,
      );
  }
  for (const secret of service.secrets ?? []) {
    const { source, target } = typeof secret === 'string' ? { source: secret, target: undefined } : secret;
    const containerPath = target && isAbsolute(target) ? target : `/run/secrets/${target ?? source}`;
    const file = options.secrets?.[source] ?? compose.secrets?.[source]?.file;
    if (file === undefined)
      throw new NativePlanError(
        `Service ${name}: secret ${source} has no file: add it to the top-level secrets or pass options.secrets["${source}"]`,
      );
    mounts.push([containerPath, resolve(options.projectDir, file)]);
  }
  return mounts.sort((a, b) => b[0].length - a[0].length);
}

function splitVolume(spec: string): { source?: string; target: string } {
  const parts = spec.split(':');
  if (parts.length === 1) return { target: parts[0] as string };
  return { source: parts[0], target: parts[1] as string };
}

/** Rewrites a value that is, or starts with, a mounted container path (also after `--flag=`). */
function hostPath(value: string, mounts: Mounts): string {
  const eq = /^(--?[\w.-]+=)(\/.*)$/.exec(value);
  const [prefix, path] = eq ? [eq[1] as string, eq[2] as string] : ['', value];
  for (const [target, host] of mounts) {
    if (path === target) return prefix + host;
    if (path.startsWith(target.endsWith('/') ? target : `${target}/`))
      return prefix + join(host, path.slice(target.length));
  }
  return value;
}

/** `temporal:7233`, `http://codec-server:8081`, `postgresql`, `0.0.0.0` → 127.0.0.1. */
/**
 * Service names (and 0.0.0.0) as addresses become 127.0.0.1: `host:port`, `scheme://host`, and a
 * bare name only where the value is an address (`bare`: a variable named *_HOST, *_ADDRESS, …), so
 * a user named `temporal` stays `temporal`; 0.0.0.0 always.
 */
function hostAddresses(value: string, services: readonly string[], bare: boolean): string {
  if (value === '0.0.0.0' || (bare && services.includes(value))) return '127.0.0.1';
  const hosts = [...services, '0.0.0.0'].map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const re = new RegExp(`(^|://|=)(?:${hosts.join('|')})(?=:\\d+|/)`, 'g');
  return value.replace(re, '$1127.0.0.1');
}

/** Environment variables whose whole value is a host name. */
const ADDRESS_VARIABLE = /(HOST|ADDRESS|SEEDS|ENDPOINT|BIND_IP)$/;

/** Compose interpolation: $$, $VAR, ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR?error}. */
export function interpolate(
  value: unknown,
  variables: Readonly<Record<string, string | undefined>>,
  where: string,
): unknown {
  if (typeof value === 'string') return interpolateString(value, variables, where);
  if (Array.isArray(value)) return value.map((v, i) => interpolate(v, variables, `${where}[${i}]`));
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, interpolate(v, variables, where ? `${where}.${k}` : k)]),
    );
  return value;
}

function interpolateString(
  text: string,
  variables: Readonly<Record<string, string | undefined>>,
  where: string,
): string {
  return text.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])((?:[^}$]|\$\{[^}]*\})*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (match, braced?: string, op?: string, arg?: string, bare?: string) => {
      if (match === '$$') return '$';
      const name = (braced ?? bare) as string;
      const value = variables[name];
      const unset = op?.startsWith(':') ? !value : value === undefined;
      if (!op || !unset) return value ?? '';
      const rest = interpolateString(arg ?? '', variables, where);
      if (op.endsWith('-')) return rest;
      throw new NativePlanError(`${where}: variable ${name} is required: ${rest || 'set it'}`);
    },
  );
}
