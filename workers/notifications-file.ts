/**
 * Where a worker takes its notifications file from: `--notifications <file>`, else
 * `$MOORING_NOTIFICATIONS_FILE`; none means no receivers (every delivery is refused as an unknown
 * service, and a sync is never affected). The file and the secret files it names are read once,
 * at start, from the worker's own disk (a mounted ConfigMap and Secret).
 */
import { readFileSync, statSync } from 'node:fs';
import { parseNotificationsConfig, type LoadedNotifications } from '../config/notifications.js';
import { templateProblem } from '../core/notify/render-notification.js';

export const NOTIFICATIONS_FILE_ENV = 'MOORING_NOTIFICATIONS_FILE';
/** Larger files (the config or a secret file) are refused before reading. */
export const MAX_NOTIFICATIONS_BYTES = 256 * 1024;

const readText = (path: string): string => {
  if (statSync(path).size > MAX_NOTIFICATIONS_BYTES)
    throw new Error(`larger than ${MAX_NOTIFICATIONS_BYTES} bytes`);
  return readFileSync(path, 'utf8');
};

/** Loads and checks a notifications file. @throws {Error} naming the file, line and field */
export function loadNotificationsFile(path: string): LoadedNotifications {
  let text: string;
  try {
    text = readText(path);
  } catch (err) {
    throw new Error(`Cannot read the notifications file ${path}: ${(err as Error).message}`, { cause: err });
  }
  return parseNotificationsConfig(text, path, { readText, templateProblem });
}

/**
 * The notifications of a worker: the file given, else `$MOORING_NOTIFICATIONS_FILE`, else none.
 * @throws {Error} naming what is wrong with the file given
 */
export function resolveNotifications(
  file: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): LoadedNotifications | undefined {
  const path = file ?? env[NOTIFICATIONS_FILE_ENV];
  return path ? loadNotificationsFile(path) : undefined;
}
