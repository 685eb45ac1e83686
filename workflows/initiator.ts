/**
 * The initiator identity a message carries, as the workflow records it: a signal or update may come
 * from any client the Temporal server lets in, so the text is bounded and stripped of control
 * characters before it reaches history, the status and the Web UI. Never throws: a malformed
 * identity is dropped, not a reason to refuse an operation.
 */
import type { InitiatorIdentity } from '../contract/messages.js';

/** Longer identities are cut: a JWT subject or an e-mail address fits well within it. */
export const MAX_IDENTITY_LENGTH = 120;

export function identityOf(value: unknown): InitiatorIdentity | undefined {
  if (typeof value !== 'string') return undefined;
  // eslint-disable-next-line no-control-regex -- the point is to remove them
  const clean = value.replace(/[\u0000-\u001f\u007f-\u009f]/g, '').trim();
  if (clean === '') return undefined;
  return clean.length > MAX_IDENTITY_LENGTH ? `${clean.slice(0, MAX_IDENTITY_LENGTH - 1)}…` : clean;
}
