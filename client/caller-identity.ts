/**
 * Who a CLI or client process acts as, recorded with every operation it starts (`app history`'s
 * BY column, the sync's summary in the Web UI) and sent as the Temporal client identity: the
 * subject of its token when it has a JWT (the identity the server authenticated), else
 * `MOORING_IDENTITY` (a CI job naming itself), else the OS user and host.
 */
import { hostname, userInfo } from 'node:os';
import type { InitiatorIdentity } from '../contract/messages.js';
import { jwtClaims } from './temporal-connection.js';

export const IDENTITY_ENV = 'MOORING_IDENTITY';

export function callerIdentity(
  apiKey: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): InitiatorIdentity {
  const subject = apiKey ? jwtClaims(apiKey)?.sub : undefined;
  if (typeof subject === 'string' && subject.trim() !== '') return `user:${subject.trim()}`;
  const named = env[IDENTITY_ENV]?.trim();
  if (named) return `user:${named}`;
  return `user:${osUser()}@${hostname()}`;
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    // No passwd entry (an arbitrary UID in a container).
    return `uid-${process.getuid?.() ?? 'unknown'}`;
  }
}
