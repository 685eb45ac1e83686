/** Plain-text tables and short forms shared by the CLI commands. */
import { escapeControlCharacters } from '../config/spec-error.js';
import { shortRevision } from '../contract/revision.js';

/**
 * Text made safe to print on a terminal: escape sequences, OSC 8 hyperlinks, carriage returns,
 * bells and bidi overrides become visible escapes (`\x1b[31m`), tabs and newlines stay.
 */
export function printable(text: string): string {
  return escapeControlCharacters(text);
}

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('   ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

export function shortSha(revision: string | undefined): string {
  return revision ? shortRevision(revision) : '-';
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const s = ms / 1000;
  return s < 60 ? `${s.toFixed(1)}s` : `${Math.floor(s / 60)}m${Math.round(s % 60)}s`;
}
