/**
 * Errors from the Kubernetes API and their classification, in one place: call sites ask
 * `isRejection(err)` (anything else is worth retrying) or `isNamespaceNotFound(err)`, never
 * match messages themselves. Messages are scrubbed here (`scrubKubeMessage`; about a Secret, the
 * values the server echoes are masked), so no caller can pass a raw one on.
 */
import { scrubKubeMessage } from '../../core/scrub/kube-message.js';

/** A request about core/v1 Secrets, as `fromResponse` receives it (`PATCH /api/v1/namespaces/x/secrets/y`). */
const SECRET_REQUEST = /^[A-Z]+ \/api\/v1\/(?:namespaces\/[^/]+\/)?secrets(?:[/?]|$)/;

interface StatusBody {
  reason?: string;
  message?: string;
  details?: { causes?: { field?: string; message?: string; reason?: string }[] };
}

export class KubeApiError extends Error {
  readonly status: number;
  readonly reason: string;
  readonly causes: { field?: string; message?: string }[];

  constructor(
    status: number,
    reason: string,
    message: string,
    causes: { field?: string; message?: string }[] = [],
  ) {
    super(message);
    this.name = 'KubeApiError';
    this.status = status;
    this.reason = reason;
    this.causes = causes;
  }

  static fromResponse(status: number, body: unknown, request: string): KubeApiError {
    const s = (typeof body === 'object' && body !== null ? body : {}) as StatusBody;
    const secret = SECRET_REQUEST.test(request);
    const scrub = (text: string) => scrubKubeMessage(text, { secret });
    const message = scrub(
      s.message ??
        (typeof body === 'string' && body ? body.slice(0, 500) : `${request} returned HTTP ${status}`),
    );
    const typed = typedPatchProblems(message);
    if (status === 500 && typed)
      return new KubeApiError(422, 'Invalid', typed.map((c) => `${c.field}: ${c.message}`).join('; '), typed);
    const causes = (s.details?.causes ?? []).map((c) => ({
      field: c.field,
      message: c.message === undefined ? undefined : scrub(c.message),
    }));
    return new KubeApiError(status, s.reason ?? `HTTP${status}`, message, causes);
  }
}

/**
 * A server-side apply whose body does not fit the schema fails with HTTP 500 and a message like
 * `failed to create typed patch object (ns/name; apps/v1, Kind=Deployment): .spec.replicas:
 * expected numeric (int or float), got string`. That is the manifest's fault, not the server's:
 * this returns its field problems (Go value dumps shortened), or undefined for any other message.
 */
export function typedPatchProblems(message: string): { field: string; message: string }[] | undefined {
  if (!message.includes('failed to create typed patch object')) return undefined;
  const problems = [...message.matchAll(/(?:^|[\s:])\.([A-Za-z0-9_[\]."/-]+): ([^\n]+)/g)].map((m) => ({
    field: m[1]!,
    message: m[2]!.replace(/&value\.valueUnstructured\{Value:(.*?)\}/g, '$1').trim(),
  }));
  return problems.length > 0 ? problems : [{ field: '', message }];
}

/** The desired state itself is wrong (schema, admission, immutable field, forbidden). */
export function isRejection(err: unknown): err is KubeApiError {
  return err instanceof KubeApiError && [400, 403, 404, 405, 415, 422].includes(err.status);
}

/**
 * The request failed because a namespace does not exist (`namespaces "shop" not found`): the
 * namespace `namespace` when given, any namespace otherwise. A missing object inside an existing
 * namespace is not this.
 */
export function isNamespaceNotFound(err: unknown, namespace?: string): boolean {
  if (!(err instanceof KubeApiError) || err.status !== 404) return false;
  const name = namespace === undefined ? '[^"]+' : namespace.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`namespaces? "${name}" not found`).test(err.message);
}
