/**
 * Webhook payloads read into one push event, pure: GitHub and GitLab push events as they send
 * them, and Mooring's generic form `{ repository, ref?, after?, paths?, sender?, defaultBranch? }`.
 * Only what matching needs is kept: the URLs naming the repository, the ref, the default branch
 * and the files the push changed. A SHA in a payload is kept for logs only: nothing deploys it.
 */

export type Provider = 'github' | 'gitlab' | 'generic';

/** A push, whichever provider sent it. */
export interface PushEvent {
  provider: Provider;
  /** Every URL the payload names the repository by (clone, SSH, web). */
  repoUrls: string[];
  /**
   * The pushed ref (`refs/heads/main`, `refs/tags/v1`, or a bare name from a generic event);
   * undefined when a generic event names none: every app of the repository then matches.
   */
  ref?: string;
  /** The repository's default branch, when the payload says it (for apps that track `HEAD`). */
  defaultBranch?: string;
  /** The commit the payload says the ref now points at; informational only. */
  after?: string;
  /** Files the push added, modified or removed; undefined when the payload does not list them all. */
  changedPaths?: string[];
  /** Who pushed, printable and at most {@link MAX_SENDER} characters. */
  sender?: string;
}

export type WebhookEvent =
  { kind: 'push'; push: PushEvent } | { kind: 'ping' } | { kind: 'ignored'; reason: string };

/** A body that cannot be read as the event it claims to be; the message says which field. */
export class PayloadError extends Error {
  override name = 'PayloadError';
}

export const MAX_SENDER = 64;
/** GitHub lists at most this many commits; a push with more does not list every changed file. */
const GITHUB_MAX_COMMITS = 2048;
const ZERO_SHA = /^0+$/;

/** Reads the provider from the event headers: GitHub and GitLab name their events, anything else is generic. */
export function detectProvider(header: (name: string) => string | undefined): Provider {
  if (header('x-github-event') !== undefined) return 'github';
  if (header('x-gitlab-event') !== undefined) return 'gitlab';
  return 'generic';
}

/**
 * Parses an authenticated body. `event` is the provider's event header (`X-GitHub-Event`,
 * `X-Gitlab-Event`); `contentType` matters for GitHub, which can send `payload=<json>` form-encoded.
 */
export function parseWebhookEvent(
  provider: Provider,
  event: string | undefined,
  body: string,
  contentType = 'application/json',
): WebhookEvent {
  switch (provider) {
    case 'github':
      return parseGitHub(event ?? '', body, contentType);
    case 'gitlab':
      return parseGitLab(event ?? '', body);
    case 'generic':
      return parseGeneric(body);
  }
}

function parseGitHub(event: string, body: string, contentType: string): WebhookEvent {
  if (event === 'ping') return { kind: 'ping' };
  if (event !== 'push')
    return { kind: 'ignored', reason: `GitHub event "${printable(event, 40)}" is not a push` };
  let json = body;
  if (/^application\/x-www-form-urlencoded\b/i.test(contentType)) {
    const payload = new URLSearchParams(body).get('payload');
    if (payload === null) throw new PayloadError('GitHub push: the form-encoded body has no "payload" field');
    json = payload;
  }
  const root = parseObject(json, 'GitHub push');
  if (root.deleted === true) return { kind: 'ignored', reason: 'GitHub push deletes the ref' };
  const repository = object(root.repository, 'GitHub push: "repository"');
  const commits = root.commits;
  return {
    kind: 'push',
    push: {
      provider: 'github',
      repoUrls: urls(
        repository,
        ['clone_url', 'ssh_url', 'html_url', 'git_url', 'url'],
        'GitHub push: "repository"',
      ),
      ref: requiredString(root.ref, 'GitHub push: "ref"'),
      ...optional('defaultBranch', string(repository.default_branch) ?? string(repository.master_branch)),
      ...optional('after', string(root.after)),
      ...optional(
        'changedPaths',
        Array.isArray(commits) && commits.length >= GITHUB_MAX_COMMITS
          ? undefined
          : changedPaths(commits, 'GitHub push'),
      ),
      ...optional('sender', sender(nested(root.sender, 'login') ?? nested(root.pusher, 'name'))),
    },
  };
}

function parseGitLab(event: string, body: string): WebhookEvent {
  if (!/^(Tag )?Push Hook$|^System Hook$/.test(event))
    return { kind: 'ignored', reason: `GitLab event "${printable(event, 40)}" is not a push` };
  const root = parseObject(body, 'GitLab push');
  const kind = string(root.object_kind) ?? string(root.event_name);
  if (kind !== 'push' && kind !== 'tag_push')
    return {
      kind: 'ignored',
      reason: `GitLab ${event} of kind "${printable(kind ?? '', 40)}" is not a push`,
    };
  const after = string(root.after);
  if (after !== undefined && ZERO_SHA.test(after))
    return { kind: 'ignored', reason: 'GitLab push deletes the ref' };
  const project = object(root.project ?? {}, 'GitLab push: "project"');
  const repository = object(root.repository ?? {}, 'GitLab push: "repository"');
  const repoUrls = [
    ...urls(project, ['git_http_url', 'git_ssh_url', 'web_url', 'http_url', 'ssh_url', 'url'], undefined),
    ...urls(repository, ['git_http_url', 'git_ssh_url', 'homepage', 'url'], undefined),
  ];
  if (repoUrls.length === 0)
    throw new PayloadError(
      'GitLab push: neither "project" nor "repository" has a URL (git_http_url, git_ssh_url, web_url)',
    );
  const listed = changedPaths(root.commits, 'GitLab push');
  const total = root.total_commits_count;
  const complete = !(typeof total === 'number' && Array.isArray(root.commits) && total > root.commits.length);
  return {
    kind: 'push',
    push: {
      provider: 'gitlab',
      repoUrls: [...new Set(repoUrls)],
      ref: requiredString(root.ref, 'GitLab push: "ref"'),
      ...optional('defaultBranch', string(project.default_branch)),
      ...optional('after', after),
      ...optional('changedPaths', complete ? listed : undefined),
      ...optional('sender', sender(string(root.user_username) ?? string(root.user_name))),
    },
  };
}

function parseGeneric(body: string): WebhookEvent {
  const root = parseObject(body, 'generic push');
  const repository = requiredString(root.repository, 'generic push: "repository" (the repository URL)');
  let paths: string[] | undefined;
  if (root.paths !== undefined) {
    if (!Array.isArray(root.paths) || !root.paths.every((p) => typeof p === 'string'))
      throw new PayloadError('generic push: "paths" must be an array of file paths (strings)');
    paths = normalizePaths(root.paths as string[]);
  }
  for (const field of ['ref', 'after', 'sender', 'defaultBranch'] as const)
    if (root[field] !== undefined && typeof root[field] !== 'string')
      throw new PayloadError(`generic push: "${field}" must be a string`);
  return {
    kind: 'push',
    push: {
      provider: 'generic',
      repoUrls: [repository],
      ...optional('ref', string(root.ref)),
      ...optional('defaultBranch', string(root.defaultBranch)),
      ...optional('after', string(root.after)),
      ...optional('changedPaths', paths),
      ...optional('sender', sender(string(root.sender))),
    },
  };
}

type Json = Record<string, unknown>;

function parseObject(text: string, what: string): Json {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new PayloadError(`${what}: the body is not JSON (${(err as Error).message})`);
  }
  return object(value, `${what}: the body`);
}

function object(value: unknown, what: string): Json {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new PayloadError(`${what} must be a JSON object`);
  return value as Json;
}

function string(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A string field of an optional object, or undefined. */
function nested(value: unknown, field: string): string | undefined {
  return value !== null && typeof value === 'object' ? string((value as Json)[field]) : undefined;
}

function requiredString(value: unknown, what: string): string {
  const text = string(value);
  if (text === undefined) throw new PayloadError(`${what} is missing or not a non-empty string`);
  return text;
}

function urls(from: Json, fields: readonly string[], what: string | undefined): string[] {
  const found = [...new Set(fields.map((f) => string(from[f])).filter((u): u is string => u !== undefined))];
  if (found.length === 0 && what !== undefined)
    throw new PayloadError(`${what} has no URL (${fields.join(', ')})`);
  return found;
}

/** The union of the commits' added/modified/removed files; undefined when no commit lists any. */
function changedPaths(commits: unknown, what: string): string[] | undefined {
  if (commits === undefined || commits === null) return undefined;
  if (!Array.isArray(commits)) throw new PayloadError(`${what}: "commits" must be an array`);
  const paths = new Set<string>();
  let listed = false;
  for (const [i, raw] of commits.entries()) {
    const commit = object(raw, `${what}: commits[${i}]`);
    for (const field of ['added', 'modified', 'removed']) {
      const files = commit[field];
      if (files === undefined) continue;
      if (!Array.isArray(files) || !files.every((f) => typeof f === 'string'))
        throw new PayloadError(`${what}: commits[${i}].${field} must be an array of file paths`);
      listed = true;
      for (const f of normalizePaths(files as string[])) paths.add(f);
    }
  }
  return listed ? [...paths] : undefined;
}

function normalizePaths(paths: readonly string[]): string[] {
  return paths.map((p) => p.replace(/\\/g, '/').replace(/^(\.\/|\/)+/, ''));
}

function sender(name: string | undefined): string | undefined {
  return name === undefined ? undefined : printable(name, MAX_SENDER);
}

/** `text` with control and format characters replaced by `?`, cut to `max` characters. */
export function printable(text: string, max: number): string {
  const clean = text.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, '?');
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
