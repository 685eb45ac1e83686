/**
 * Errors from the Kubernetes API and their classification, in one place: call sites ask
 * `isTransient(err)` or `isInvalid(err)`, never match messages themselves.
 */

interface StatusBody {
  reason?: string;
  message?: string;
  details?: { causes?: { field?: string; message?: string; reason?: string }[] };
}

export class KubeApiError extends Error {
  readonly status: number;
  readonly reason: string;
  readonly causes: { field?: string; message?: string }[];

  constructor(status: number, reason: string, message: string, causes: { field?: string; message?: string }[] = []) {
    super(message);
    this.name = 'KubeApiError';
    this.status = status;
    this.reason = reason;
    this.causes = causes;
  }

  static fromResponse(status: number, body: unknown, request: string): KubeApiError {
    const s = (typeof body === 'object' && body !== null ? body : {}) as StatusBody;
    const message = s.message ?? (typeof body === 'string' && body ? body.slice(0, 500) : `${request} returned HTTP ${status}`);
    return new KubeApiError(status, s.reason ?? `HTTP${status}`, message, s.details?.causes ?? []);
  }
}

/** Worth retrying: throttling, server errors, timeouts, conflicts, network failures. */
export function isTransient(err: unknown): boolean {
  if (err instanceof KubeApiError) {
    return err.status === 0 || err.status === 409 || err.status === 429 || err.status >= 500;
  }
  return err instanceof Error; // sockets reset, DNS, timeouts
}

/** The desired state itself is wrong (schema, admission, immutable field, forbidden). */
export function isRejection(err: unknown): err is KubeApiError {
  return err instanceof KubeApiError && [400, 403, 404, 405, 415, 422].includes(err.status);
}

export function isImmutableFieldError(err: unknown): boolean {
  return err instanceof KubeApiError && err.status === 422 && /field is immutable|immutable/i.test(err.message);
}

export function isNotFound(err: unknown): boolean {
  return err instanceof KubeApiError && err.status === 404;
}
