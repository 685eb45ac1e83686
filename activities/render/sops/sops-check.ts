/**
 * Whether this agent can decrypt a SOPS-encrypted object or file, decided before `sops` runs: only
 * age recipients count (no KMS, Vault or PGP: those would reach a key service or a keyring), the
 * agent must hold an age key, and one of the document's recipients must be one of the agent's.
 * Pure: recipients in, a ManifestInvalid naming the object or file out. Recipients are public keys
 * and may be named; the agent's key file is named by path only, never by content.
 */
import { ManifestInvalid } from '../../../contract/errors.js';
import type { SopsRecipients } from './sops-metadata.js';

/** The environment variable naming the agent's age key file. */
export const SOPS_AGE_KEY_FILE_ENV = 'MOORING_SOPS_AGE_KEY_FILE';

/** Most recipients named in one message. */
const MAX_NAMED = 5;

/** The age identities this agent holds: the key file's path and its public recipients. */
export interface AgentAgeKey {
  file: string;
  recipients: readonly string[];
}

function named(recipients: readonly string[]): string {
  const shown = recipients.slice(0, MAX_NAMED).join(', ');
  return recipients.length > MAX_NAMED ? `${shown} and ${recipients.length - MAX_NAMED} more` : shown;
}

/**
 * Throws ManifestInvalid unless `key` can decrypt a document encrypted for `recipients`
 * (`assertAgeOnly`, then `assertAgentHolds`). `what` names the object or file (`Secret shop/db`,
 * `file "app/secret.env"`).
 */
export function assertAgeDecryptable(
  what: string,
  recipients: SopsRecipients,
  key: AgentAgeKey | undefined,
): void {
  assertAgeOnly(what, recipients);
  assertAgentHolds(what, recipients, key);
}

/** Throws ManifestInvalid unless the document has an age recipient and no Shamir threshold. */
export function assertAgeOnly(what: string, recipients: SopsRecipients): void {
  if (recipients.age.length === 0) {
    const services = recipients.others.length > 0 ? recipients.others.join(', ') : 'no key at all';
    throw new ManifestInvalid(
      `Cannot decrypt ${what}: it is encrypted with SOPS for ${services}, but no age recipient; only age keys are supported on this agent (encrypt it for the agent's age recipient: sops updatekeys or sops --age)`,
    );
  }
  if (recipients.threshold > 1) {
    throw new ManifestInvalid(
      `Cannot decrypt ${what}: it uses SOPS key groups with a Shamir threshold of ${recipients.threshold}; this agent decrypts with one age key only (encrypt it without key groups, for the agent's age recipient)`,
    );
  }
}

/** Throws ManifestInvalid unless `key` holds one of the document's age recipients. */
export function assertAgentHolds(
  what: string,
  recipients: SopsRecipients,
  key: AgentAgeKey | undefined,
): void {
  if (key === undefined) {
    throw new ManifestInvalid(
      `Cannot decrypt ${what}: it is encrypted with SOPS for age recipient ${named(recipients.age)}, but this agent has no age key; set ${SOPS_AGE_KEY_FILE_ENV} on the agent to a key file holding the matching identity (docs/SOPS.md)`,
    );
  }
  if (!recipients.age.some((recipient) => key.recipients.includes(recipient))) {
    throw new ManifestInvalid(
      `Cannot decrypt ${what}: it is encrypted with SOPS for age recipient ${named(recipients.age)}, none of which is in the agent's age key file ${key.file} (it holds ${named(key.recipients)}); encrypt it for the agent's recipient too (sops updatekeys) or give the agent the matching key`,
    );
  }
}
