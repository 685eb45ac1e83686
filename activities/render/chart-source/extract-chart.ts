/**
 * Unpacks a chart archive (gzip'd tar) into a fresh private directory, as a hostile input: the
 * decompressed size is bounded while streaming (no archive bomb), GNU tar drops absolute paths and
 * refuses `..` members, and afterwards every entry is checked: regular files and directories only
 * (no symlinks, hard links or devices), a bounded count, one top-level directory with Chart.yaml.
 */
import { spawn } from 'node:child_process';
import { lstat, readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { ManifestInvalid } from '../../../contract/errors.js';

/** Options of {@link extractChart}. */
export interface ExtractChartOptions {
  /** What the archive is, for messages: `chart "web" 1.2.3 from "https://..."`. */
  what: string;
  /** Most bytes once decompressed. */
  maxUnpackedBytes: number;
  /** Most files and directories. @default 10_000 */
  maxEntries?: number;
  /** @default 60_000 */
  timeoutMs?: number;
}

/**
 * Unpacks `archive` into `dir` (empty, private) and returns the path of its chart directory (the
 * archive's one top-level directory). Throws ManifestInvalid for anything the archive gets wrong.
 */
export async function extractChart(
  archive: Buffer,
  dir: string,
  options: ExtractChartOptions,
): Promise<string> {
  await untar(archive, dir, options);
  const top = await readdir(dir);
  const [name] = top;
  if (top.length !== 1 || name === undefined)
    throw new ManifestInvalid(
      `Cannot unpack ${options.what}: expected one top-level directory, found ${top.length} entries`,
    );
  const chartDir = join(dir, name);
  await checkTree(dir, chartDir, options, { entries: 0 });
  const chartYaml = await lstat(join(chartDir, 'Chart.yaml')).catch(() => undefined);
  if (!chartYaml?.isFile()) throw new ManifestInvalid(`Cannot use ${options.what}: it has no Chart.yaml`);
  return chartDir;
}

async function untar(archive: Buffer, dir: string, options: ExtractChartOptions): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const tar = spawn('tar', ['-x', '-f', '-', '-C', dir, '--no-same-owner', '--no-same-permissions'], {
    stdio: ['pipe', 'ignore', 'pipe'],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C' },
  });
  let stderr = '';
  tar.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < 4000) stderr += chunk.toString('utf8');
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    tar.once('error', reject);
    tar.once('close', resolve);
  });
  const timer = setTimeout(() => tar.kill('SIGKILL'), timeoutMs);
  let unpacked = 0;
  const gunzip = createGunzip();
  gunzip.on('data', (chunk: Buffer) => {
    unpacked += chunk.length;
    if (unpacked > options.maxUnpackedBytes) gunzip.destroy(tooLarge(options));
  });
  try {
    await pipeline(Readable.from([archive]), gunzip, tar.stdin);
  } catch (error) {
    // tar stops reading at the end-of-archive blocks; what gzip still holds after them (padding)
    // then finds its input closed. That is a whole archive, not a broken one.
    if (closedEarly(error) && (await exited.catch(() => undefined)) === 0) {
      clearTimeout(timer);
      return;
    }
    tar.kill('SIGKILL');
    await exited.catch(() => undefined);
    clearTimeout(timer);
    if (error instanceof ManifestInvalid) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const detail = stderr.trim().split('\n')[0] || code || (error as Error).message;
    throw new ManifestInvalid(`Cannot unpack ${options.what}: not a gzip'd tar archive (${detail})`, {
      cause: error,
    });
  }
  const status = await exited
    .catch((error: unknown) => {
      throw new Error(`Cannot unpack a chart: cannot run "tar" (${(error as NodeJS.ErrnoException).code})`, {
        cause: error,
      });
    })
    .finally(() => clearTimeout(timer));
  if (status !== 0)
    throw new ManifestInvalid(
      `Cannot unpack ${options.what}: ${stderr.trim().split('\n')[0] || `tar exited with ${String(status)}`}`,
    );
}

function closedEarly(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'EPIPE' || code === 'ERR_STREAM_PREMATURE_CLOSE';
}

function tooLarge(options: ExtractChartOptions): ManifestInvalid {
  return new ManifestInvalid(
    `Cannot unpack ${options.what}: it is larger than ${options.maxUnpackedBytes} bytes unpacked, the agent's limit`,
  );
}

async function checkTree(
  root: string,
  dir: string,
  options: ExtractChartOptions,
  count: { entries: number },
): Promise<void> {
  for (const name of await readdir(dir)) {
    const path = join(dir, name);
    const info = await lstat(path);
    count.entries += 1;
    if (count.entries > (options.maxEntries ?? 10_000))
      throw new ManifestInvalid(
        `Cannot unpack ${options.what}: it has more than ${options.maxEntries ?? 10_000} files`,
      );
    if (info.isDirectory()) await checkTree(root, path, options, count);
    else if (!info.isFile() || info.nlink > 1)
      throw new ManifestInvalid(
        `Cannot use ${options.what}: "${relative(root, path)}" is a ${info.isSymbolicLink() ? 'symbolic link' : 'link or special file'}; charts from repositories may hold regular files only`,
      );
  }
}
