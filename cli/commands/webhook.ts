/**
 * `mooring webhook`: a process of its own that takes push webhooks from GitHub, GitLab or anything
 * that signs a generic payload, and sends `refresh` to the apps a push concerns, so a commit is
 * deployed in about a second instead of at the next git-poll (docs/WEBHOOKS.md). Heavy modules
 * (Temporal client, HTTP server, prom-client, pino) load inside the action, so `--help` stays quick.
 */
import { readFileSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { parseDuration } from '../../config/duration.js';
import { DEFAULT_WEBHOOK_LISTEN, parseListen } from '../../core/webhook/listen.js';
import type { Provider } from '../../core/webhook/payload.js';
import { parseSecrets } from '../../core/webhook/signature.js';

interface WebhookFlags {
  listen: string;
  githubSecretFile?: string;
  gitlabSecretFile?: string;
  genericSecretFile?: string;
  taskQueue?: string;
  maxBodyBytes: string;
  rateLimit: string;
  rateBurst: string;
  requestTimeout: string;
}

const PROVIDERS: readonly Provider[] = ['github', 'gitlab', 'generic'];

/** The environment variable naming each provider's secret file. */
export const SECRET_FILE_ENV: Record<Provider, string> = {
  github: 'MOORING_WEBHOOK_GITHUB_SECRET_FILE',
  gitlab: 'MOORING_WEBHOOK_GITLAB_SECRET_FILE',
  generic: 'MOORING_WEBHOOK_GENERIC_SECRET_FILE',
};

export function registerWebhookCommand(program: Command): void {
  program
    .command('webhook')
    .description('Receive push webhooks (GitHub, GitLab, generic HMAC) and refresh the matching apps at once')
    .option(
      '--listen <host:port>',
      'listen address; binding beyond loopback is explicit',
      DEFAULT_WEBHOOK_LISTEN,
    )
    .option(
      '--github-secret-file <file>',
      `file holding the GitHub webhook secret, one per line (env ${SECRET_FILE_ENV.github})`,
    )
    .option(
      '--gitlab-secret-file <file>',
      `file holding the GitLab secret token, one per line (env ${SECRET_FILE_ENV.gitlab})`,
    )
    .option(
      '--generic-secret-file <file>',
      `file holding the HMAC key of X-Mooring-Signature-256, one per line (env ${SECRET_FILE_ENV.generic})`,
    )
    .option('--task-queue <name>', 'refresh only the apps of this workflow task queue (default: every app)')
    .option('--max-body-bytes <bytes>', 'largest request body (413 above)', String(1024 * 1024))
    .option('--rate-limit <per-second>', 'requests per second, on average (429 above)', '50')
    .option('--rate-burst <requests>', 'requests accepted at once before the rate applies', '100')
    .option('--request-timeout <duration>', 'longest time to receive and handle one request', '10s')
    .action(async (flags: WebhookFlags) => {
      const listen = parseListen(flags.listen);
      const secrets = loadSecrets(flags);
      const enabled = PROVIDERS.filter((p) => secrets[p] !== undefined);
      if (enabled.length === 0)
        throw new Error(
          `mooring webhook needs at least one secret: --github-secret-file, --gitlab-secret-file or --generic-secret-file (or ${Object.values(SECRET_FILE_ENV).join(', ')})`,
        );
      const options = {
        host: listen.host,
        port: listen.port,
        secrets,
        taskQueue: flags.taskQueue,
        maxBodyBytes: positive(flags.maxBodyBytes, '--max-body-bytes', true),
        ratePerSecond: positive(flags.rateLimit, '--rate-limit'),
        rateBurst: positive(flags.rateBurst, '--rate-burst', true),
        requestTimeoutMs: duration(flags.requestTimeout, '--request-timeout'),
      };
      const [{ withClient }, { startWebhookService }, { WEBHOOK_PATH }, { pino }] = await Promise.all([
        import('../connection.js'),
        import('../../client/webhook/service.js'),
        import('../../client/webhook/server.js'),
        import('pino'),
      ]);
      const log = pino({
        name: 'mooring-webhook',
        level: process.env.MOORING_LOG_LEVEL ?? 'info',
        base: { pid: process.pid },
      });
      await withClient(program, async (client) => {
        const service = await startWebhookService({ ...options, client, log });
        log.info(
          { url: `${service.url}${WEBHOOK_PATH}`, providers: enabled, loopback: listen.loopback },
          `webhook listening on ${service.url}${WEBHOOK_PATH}; /healthz and /metrics on the same port`,
        );
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await service.close();
      });
    });
}

/** Each provider's secrets, from its flag or environment variable; absent when neither is set. */
function loadSecrets(flags: WebhookFlags): Partial<Record<Provider, string[]>> {
  const given: Record<Provider, string | undefined> = {
    github: flags.githubSecretFile,
    gitlab: flags.gitlabSecretFile,
    generic: flags.genericSecretFile,
  };
  const secrets: Partial<Record<Provider, string[]>> = {};
  for (const provider of PROVIDERS) {
    const file = given[provider] || process.env[SECRET_FILE_ENV[provider]] || undefined;
    if (file !== undefined) secrets[provider] = readSecretFile(file, provider);
  }
  return secrets;
}

function readSecretFile(file: string, provider: Provider): string[] {
  const where = `${JSON.stringify(file)} (--${provider}-secret-file / ${SECRET_FILE_ENV[provider]})`;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(
      `Cannot read the ${provider} webhook secret file ${where}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
      {
        cause: err,
      },
    );
  }
  const secrets = parseSecrets(text);
  if (secrets.length === 0)
    throw new Error(`The ${provider} webhook secret file ${where} is empty: put the secret on one line`);
  if ((statSync(file).mode & 0o004) !== 0)
    console.error(
      `warning: the ${provider} webhook secret file ${where} is readable by every user (chmod 600 it)`,
    );
  return secrets;
}

function positive(value: string, flag: string, integer = false): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n)))
    throw new Error(
      `${flag} must be a positive ${integer ? 'integer' : 'number'}: current value is "${value}"`,
    );
  return n;
}

function duration(value: string, flag: string): number {
  try {
    return parseDuration(value);
  } catch (err) {
    throw new Error(`${flag}: ${(err as Error).message}`, { cause: err });
  }
}
