/** The application-level sync options Mooring understands, and a check that warns on the rest. */
import type { FieldPath, SpecDocument } from './spec-document.js';
import type { SpecWarning } from './spec-error.js';

const BOOL = ['true', 'false'] as const;

/** Known sync option keys and their allowed values (the Argo CD names, so Argo specs carry over). */
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
  SkipDryRunOnMissingResource: BOOL,
};

/**
 * Warns about each option whose key is unknown or whose value is not allowed. Such options are
 * kept in the spec (a newer Mooring may understand them) but have no effect today.
 */
export function checkSyncOptions(
  doc: SpecDocument,
  path: FieldPath,
  options: readonly string[],
): SpecWarning[] {
  const warnings: SpecWarning[] = [];
  options.forEach((option, i) => {
    const [key = '', value = ''] = option.split('=', 2);
    const allowed = Object.hasOwn(SYNC_OPTIONS, key) ? SYNC_OPTIONS[key] : undefined;
    if (!allowed) {
      warnings.push(
        doc.warning(
          [...path, i],
          `unknown sync option "${key}": kept, but it has no effect; known options are ${Object.keys(SYNC_OPTIONS).join(', ')}`,
        ),
      );
    } else if (!allowed.includes(value)) {
      warnings.push(
        doc.warning(
          [...path, i],
          `sync option ${key} does not accept "${value}": kept, but it has no effect; allowed values are ${allowed.join(', ')}`,
        ),
      );
    }
  });
  return warnings;
}
