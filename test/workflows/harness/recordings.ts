/**
 * Recorded workflow histories, one folder per release: `test/fixtures/histories/<version>-<sha7>/`
 * holds the JSON histories recorded from that release's code (scripts/record-histories.ts) and a
 * `manifest.json` naming the commit. Folders are added, never overwritten; the replay test replays
 * every history of every folder, the upgrade test starts from the newest release before HEAD.
 */
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../../support/stack.js';
import { historyFromJson } from './history-json.js';
import type { History } from './history-json.js';

const execFileAsync = promisify(execFile);

/** Where the release folders live. */
export const HISTORIES_DIR = join(projectRoot, 'test/fixtures/histories');

/** The file in each release folder that says which code the histories came from. */
export const MANIFEST_FILE = 'manifest.json';

/** Contents of a release folder's `manifest.json`. */
export interface RecordingManifest {
  /** package.json version of the release. */
  version: string;
  /** Full SHA of the commit whose workflow code the histories replay on. */
  commit: string;
  /** When the histories were recorded, ISO 8601. */
  recordedAt: string;
  /** History file → what it records. */
  histories: Record<string, string>;
  note?: string;
}

/** One release folder. */
export interface Recording {
  /** Folder name, `<version>-<sha7>`. */
  folder: string;
  dir: string;
  manifest: RecordingManifest;
  /** History files of the folder, sorted. */
  files: string[];
}

/** The folder name for a release: `<version>-<first 7 characters of the commit>`. */
export function recordingFolder(version: string, commit: string): string {
  return `${version}-${commit.slice(0, 7)}`;
}

/** Every release folder, oldest recording first. Fails on a folder without a valid manifest. */
export async function listRecordings(): Promise<Recording[]> {
  const entries = await readdir(HISTORIES_DIR, { withFileTypes: true }).catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  });
  const recordings: Recording[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const dir = join(HISTORIES_DIR, entry.name);
    const manifest = await readManifest(dir);
    const files = (await readdir(dir)).filter((f) => f.endsWith('.json') && f !== MANIFEST_FILE).sort();
    recordings.push({ folder: entry.name, dir, manifest, files });
  }
  return recordings.sort((a, b) => a.manifest.recordedAt.localeCompare(b.manifest.recordedAt));
}

async function readManifest(dir: string): Promise<RecordingManifest> {
  const path = join(dir, MANIFEST_FILE);
  const manifest = JSON.parse(await readFile(path, 'utf8')) as Partial<RecordingManifest>;
  for (const field of ['version', 'commit', 'recordedAt'] as const) {
    if (typeof manifest[field] !== 'string')
      throw new TypeError(`Cannot read ${path}: field "${field}" must be a string`);
  }
  if (!/^[0-9a-f]{40}$/.test(manifest.commit ?? ''))
    throw new TypeError(
      `Cannot read ${path}: "commit" must be a full SHA, current value is "${manifest.commit}"`,
    );
  return manifest as RecordingManifest;
}

/** A recorded history, ready for the replayer. */
export async function loadHistory(recording: Recording, file: string): Promise<History> {
  return historyFromJson(JSON.parse(await readFile(join(recording.dir, file), 'utf8')));
}

/** The folders whose code goes into the workflow bundle (workers/workflow-bundle.ts). */
export const WORKFLOW_CODE: readonly string[] = ['workflows', 'contract', 'config'];

async function git(...args: string[]): Promise<string> {
  return (await execFileAsync('git', args, { cwd: projectRoot })).stdout.trim();
}

/** Full SHA of the project's HEAD commit. */
export async function headCommit(): Promise<string> {
  return await git('rev-parse', 'HEAD');
}

/** `git status --porcelain` of the workflow code: empty when the checkout's workflow code is HEAD's. */
export async function workflowCodeChanges(): Promise<string> {
  return await git('status', '--porcelain', '--', ...WORKFLOW_CODE);
}

/** Whether the checkout's workflow code (working tree) differs from the code at `commit`. */
async function workflowCodeDiffersFrom(commit: string): Promise<boolean> {
  try {
    await execFileAsync('git', ['diff', '--quiet', commit, '--', ...WORKFLOW_CODE], { cwd: projectRoot });
    return false;
  } catch (err) {
    if ((err as { code?: unknown }).code === 1) return true;
    throw err;
  }
}

/**
 * The release an upgrade starts from: the newest recording whose workflow code differs from the
 * checkout's (a release that changed nothing in workflows/, contract/ or config/ would prove
 * nothing). Undefined when there is none.
 */
export async function previousRelease(): Promise<Recording | undefined> {
  const recordings = await listRecordings();
  for (const recording of recordings.reverse()) {
    if (await workflowCodeDiffersFrom(recording.manifest.commit)) return recording;
  }
  return undefined;
}
