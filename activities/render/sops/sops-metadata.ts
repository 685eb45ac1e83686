/**
 * What the SOPS metadata of an encrypted object or file says, read the way Flux's
 * kustomize-controller reads it: whether it is encrypted at all (a `sops` block with a `mac`), the
 * age recipients it is encrypted for, the other key services it names (AWS/GCP KMS, Azure Key Vault,
 * Vault, PGP) and its Shamir threshold. Pure: text and objects in, facts out; it never decrypts,
 * never sees a key, and a file it cannot parse is simply "not encrypted" (kustomize reports it).
 */
import { parseAllDocuments } from 'yaml';

/** The input formats of `sops decrypt`, chosen from a file name as SOPS and Flux do. */
export type SopsFormat = 'yaml' | 'json' | 'dotenv' | 'ini' | 'binary';

/** Key services other than age, as named in SOPS metadata. None of them is used by this agent. */
export const OTHER_KEY_SERVICES = ['kms', 'gcp_kms', 'azure_kv', 'hc_vault', 'pgp'] as const;

/** The recipients of an encrypted document. */
export interface SopsRecipients {
  /** Public age recipients (`age1...`), in order, without duplicates. */
  age: string[];
  /** The other key services the metadata names (`kms`, `pgp`, ...), without duplicates. */
  others: string[];
  /** Key groups needed to decrypt (Shamir secret sharing); 1 without key groups. */
  threshold: number;
}

/** The marker Flux looks for to tell an encrypted file of each format (`sopsFormatToMarkerBytes`). */
const MARKERS: Readonly<Record<SopsFormat, string>> = {
  yaml: 'mac: ENC[',
  json: '"mac": "ENC[',
  // A binary file is stored as a JSON envelope.
  binary: '"mac": "ENC[',
  dotenv: 'sops_mac=ENC[',
  ini: '[sops]',
};

type Json = Record<string, unknown>;
const isMapping = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** The SOPS format of a file, from its name (`.dockerconfigjson` keys are JSON, as in Flux). */
export function formatForPath(path: string): SopsFormat {
  const name = path.toLowerCase();
  if (name.endsWith('.yaml') || name.endsWith('.yml')) return 'yaml';
  if (name.endsWith('.json') || name.endsWith('.dockerconfigjson')) return 'json';
  if (name.endsWith('.env')) return 'dotenv';
  if (name.endsWith('.ini')) return 'ini';
  return 'binary';
}

/** Whether `text` carries the SOPS marker of `format` (a cheap test before parsing). */
export function hasSopsMarker(text: string, format: SopsFormat): boolean {
  return text.includes(MARKERS[format]);
}

/** Whether `value` (a decoded object) carries a SOPS metadata block with a MAC, as Flux decides. */
export function hasSopsMetadata(value: unknown): value is Json & { sops: Json } {
  if (!isMapping(value) || !isMapping(value.sops)) return false;
  return typeof value.sops.mac === 'string' && value.sops.mac !== '';
}

function addUnique(into: string[], value: string): void {
  if (!into.includes(value)) into.push(value);
}

/** The recipients named by a decoded `sops` metadata block (top level and key groups). */
export function metadataRecipients(sops: unknown): SopsRecipients {
  const result: SopsRecipients = { age: [], others: [], threshold: 1 };
  if (!isMapping(sops)) return result;
  const groups = [sops, ...list(sops.key_groups).filter(isMapping)];
  for (const group of groups) {
    for (const entry of list(group.age)) {
      if (isMapping(entry) && typeof entry.recipient === 'string' && entry.recipient.trim() !== '')
        addUnique(result.age, entry.recipient.trim());
    }
    for (const service of OTHER_KEY_SERVICES) {
      if (list(group[service]).length > 0) addUnique(result.others, service);
    }
  }
  const threshold = Number(sops.shamir_threshold);
  if (list(sops.key_groups).length > 0 && Number.isInteger(threshold) && threshold > 1)
    result.threshold = threshold;
  return result;
}

/**
 * The recipients of a flattened metadata listing (dotenv `sops_age__list_0__map_recipient=...`,
 * INI `age__list_0__map_recipient = ...` in the `[sops]` section).
 */
function flatRecipients(entries: readonly [string, string][]): SopsRecipients {
  const result: SopsRecipients = { age: [], others: [], threshold: 1 };
  const group = '(?:key_groups__list_\\d+__map_)?';
  const age = new RegExp(`^${group}age__list_\\d+__map_recipient$`);
  const other = new RegExp(`^${group}(${OTHER_KEY_SERVICES.join('|')})__list_\\d+__map_`);
  for (const [key, value] of entries) {
    if (age.test(key) && value.trim() !== '') addUnique(result.age, value.trim());
    const service = other.exec(key)?.[1];
    if (service) addUnique(result.others, service);
    const threshold = Number(value);
    if (key === 'shamir_threshold' && Number.isInteger(threshold) && threshold > 1)
      result.threshold = threshold;
  }
  return result;
}

function dotenvMetadata(text: string): [string, string][] {
  return text.split(/\r?\n/).flatMap((line): [string, string][] => {
    const match = /^sops_([A-Za-z0-9_]+)=(.*)$/.exec(line);
    return match ? [[match[1]!, match[2]!]] : [];
  });
}

function iniMetadata(text: string): [string, string][] {
  const entries: [string, string][] = [];
  let inSops = false;
  for (const line of text.split(/\r?\n/)) {
    const section = /^\s*\[([^\]]*)\]\s*$/.exec(line);
    if (section) inSops = section[1]!.trim() === 'sops';
    const pair = /^\s*([A-Za-z0-9_]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (inSops && pair) entries.push([pair[1]!, pair[2]!]);
  }
  return entries;
}

/**
 * The recipients of an encrypted file of `format`, or undefined when the file is not SOPS-encrypted
 * (no marker, or its metadata cannot be found).
 */
export function fileRecipients(text: string, format: SopsFormat): SopsRecipients | undefined {
  if (!hasSopsMarker(text, format)) return undefined;
  if (format === 'dotenv') return flatRecipients(dotenvMetadata(text));
  if (format === 'ini') return flatRecipients(iniMetadata(text));
  try {
    const documents = parseAllDocuments(text);
    if (!Array.isArray(documents)) return undefined;
    const withMetadata = documents.map((doc) => doc.toJS() as unknown).find(hasSopsMetadata);
    return withMetadata ? metadataRecipients(withMetadata.sops) : undefined;
  } catch {
    return undefined;
  }
}
