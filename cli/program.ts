/**
 * The `mooring` command tree. kubectl/argocd conventions: `mooring app get NAME`,
 * `-o json|yaml|wide`, `--help` on every command.
 *
 * Start-up cost is what a command loads, so each top-level command is registered lazily: only the
 * module of the command being run (or asked for with `help NAME`) is imported; every other command
 * is a stub that carries what `mooring --help` shows of it. The Temporal SDK, the worker and the
 * spec parser load inside the actions that use them.
 */
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';

type Register = (program: Command) => void;

/** A top-level command: what the root help lists, and how to load the module that registers it. */
interface LazyCommand {
  name: string;
  /** The command's description, exactly as its module sets it (test/unit/cli/lazy-commands.test.ts). */
  description: string;
  /** Whether the command has options of its own (the root help then lists it as `NAME [options]`). */
  options: boolean;
  load: () => Promise<Register>;
}

/** In the order of `mooring --help`. A new command is one line here. */
export const COMMANDS: readonly LazyCommand[] = [
  {
    name: 'app',
    description: 'Manage applications',
    options: false,
    load: async () => (await import('./commands/app/index.js')).registerAppCommands,
  },
  {
    name: 'cluster',
    description: 'Manage the cluster registry',
    options: false,
    load: async () => (await import('./commands/cluster.js')).registerClusterCommands,
  },
  {
    name: 'codec-server',
    description: 'Decode payloads for the Temporal Web UI and CLI with the codec keys',
    options: true,
    load: async () => (await import('./commands/codec-server.js')).registerCodecServerCommand,
  },
  {
    name: 'health',
    description:
      'Assess the health of Kubernetes objects (e.g. kubectl get deploy web -o yaml | mooring health -f -)',
    options: true,
    load: async () => (await import('./commands/health.js')).registerHealthCommand,
  },
  {
    name: 'webhook',
    description: 'Receive push webhooks (GitHub, GitLab, generic HMAC) and refresh the matching apps at once',
    options: true,
    load: async () => (await import('./commands/webhook.js')).registerWebhookCommand,
  },
  {
    name: 'worker',
    description: 'Run the Mooring worker: workflows plus the activities of one cluster',
    options: true,
    load: async () => (await import('./commands/worker.js')).registerWorkerCommand,
  },
];

/**
 * The program for `argv` (process.argv: node, script, arguments): the invoked command registered in
 * full, the others as stubs. Without `argv`, every command is registered in full.
 */
export async function buildProgram(argv?: readonly string[]): Promise<Command> {
  const program = new Command('mooring')
    .description('GitOps for Kubernetes on Temporal: sync apps from Git, roll back automatically')
    .option(
      '--address <host:port>',
      'Temporal frontend address (env TEMPORAL_ADDRESS; default 127.0.0.1:7233)',
    )
    .option('--namespace <name>', 'Temporal namespace (env TEMPORAL_NAMESPACE; default "default")')
    .option(
      '--tls-ca <file>',
      'CA bundle of the frontend certificate; turns TLS on (env TEMPORAL_TLS_SERVER_CA_CERT_PATH)',
    )
    .option('--tls-cert <file>', 'client certificate for mutual TLS (env TEMPORAL_TLS_CLIENT_CERT_PATH)')
    .option('--tls-key <file>', 'key of the client certificate (env TEMPORAL_TLS_CLIENT_KEY_PATH)')
    .option(
      '--tls-server-name <name>',
      'name to check the frontend certificate against (env TEMPORAL_TLS_SERVER_NAME)',
    )
    .option(
      '--api-key-file <file>',
      'file holding the bearer token (API key or JWT) (env TEMPORAL_API_KEY_FILE; or the token itself in TEMPORAL_API_KEY)',
    )
    .version(packageVersion())
    .showHelpAfterError();
  const wanted = argv === undefined ? undefined : invokedCommand(program, argv.slice(2));
  // Loaded side by side, registered in order: the order is that of `mooring --help`.
  const registers = await Promise.all(
    COMMANDS.map((c) => (wanted === undefined || wanted === c.name ? c.load() : undefined)),
  );
  COMMANDS.forEach((c, i) => {
    const register = registers[i];
    if (register) register(program);
    else addStub(program, c);
  });
  return program;
}

/**
 * The top-level command `args` run (`help NAME` asks for NAME), or '' when they name none (the root
 * help, or an unknown command: stubs are enough to say so).
 */
function invokedCommand(program: Command, args: readonly string[]): string {
  const takesValue = new Set(
    program.options.filter((o) => o.required || o.optional).flatMap((o) => [o.long, o.short]),
  );
  const operands: string[] = [];
  for (let i = 0; i < args.length && operands.length < 2; i++) {
    const arg = args[i] ?? '';
    if (arg === '--') break;
    if (arg.startsWith('-')) {
      if (takesValue.has(arg)) i++; // `--address HOST:PORT`; `--address=HOST:PORT` is one word
      continue;
    }
    operands.push(arg);
    if (arg !== 'help') break;
  }
  const [first, second] = operands;
  return (first === 'help' ? second : first) ?? '';
}

/** This package's version: package.json is next to cli/ in a checkout, next to dist/ when built. */
function packageVersion(): string {
  for (const path of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'mooring' && pkg.version) return pkg.version;
    } catch {
      // not this one
    }
  }
  return 'unknown';
}

/** What the root help shows of a command whose module is not loaded. */
function addStub(program: Command, c: LazyCommand): void {
  const stub = program.command(c.name).description(c.description);
  // The root help writes `NAME [options]` for a command with any option, hidden ones included.
  if (c.options) stub.addOption(new Option('--lazy-stub').hideHelp());
}
