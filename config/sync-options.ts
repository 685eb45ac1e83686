/** The application-level sync options Mooring understands, and a check that refuses the rest. */
import type { FieldPath, SpecDocument } from './spec-document.js';
import type { SpecWarning } from './spec-error.js';

const BOOL = ['true', 'false'] as const;

/**
 * Known sync option keys and their allowed values (the Argo CD names, so Argo specs carry over).
 * Each one is honoured by the sync (core/sync/app-sync-options.ts reads them).
 */
export const SYNC_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  CreateNamespace: BOOL,
  PruneLast: BOOL,
  PrunePropagationPolicy: ['foreground', 'background', 'orphan'],
  ApplyOutOfSyncOnly: BOOL,
  ServerSideApply: BOOL,
  Replace: BOOL,
  Validate: BOOL,
  RespectIgnoreDifferences: BOOL,
  FailOnSharedResource: BOOL,
  AllowSharedResource: BOOL,
  SkipDryRunOnMissingResource: BOOL,
};

/**
 * Checks the app-level sync options: an unknown key or a value the option does not take is an
 * error (an option that did nothing would be accepted silently otherwise). A key given twice is
 * a warning: the last value wins.
 * @throws {SpecError} at the first unknown key or disallowed value, naming file, line and field
 */
export function checkSyncOptions(
  doc: SpecDocument,
  path: FieldPath,
  options: readonly string[],
): SpecWarning[] {
  const warnings: SpecWarning[] = [];
  const seen = new Map<string, number>();
  options.forEach((option, i) => {
    const [key = '', value = ''] = option.split('=', 2).map((part) => part.trim());
    const allowed = Object.hasOwn(SYNC_OPTIONS, key) ? SYNC_OPTIONS[key] : undefined;
    if (!allowed) {
      throw doc.error(
        [...path, i],
        `unknown sync option "${key}": known options are ${Object.keys(SYNC_OPTIONS).join(', ')}`,
      );
    }
    if (!allowed.includes(value)) {
      throw doc.error(
        [...path, i],
        `sync option ${key} does not accept "${value}": allowed values are ${allowed.join(', ')}`,
      );
    }
    const first = seen.get(key);
    if (first !== undefined)
      warnings.push(
        doc.warning([...path, i], `sync option ${key} is also set at index ${first}: the last value wins`),
      );
    else seen.set(key, i);
  });
  return warnings;
}
