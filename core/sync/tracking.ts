/**
 * Resource tracking: which live objects belong to which app. An object belongs to an app only
 * when its tracking annotation names the app AND the object's own identity, so an annotation
 * copied onto another object (by hand or by a controller copying metadata) claims nothing.
 */
import {
  MOORING_APP_LABEL as APP_LABEL,
  MOORING_TRACKING_ID as TRACKING_ANNOTATION,
} from '../manifests/annotations.js';
import { type KubeObject } from '../../contract/kube-object.js';
import { refOf } from '../../contract/object-ref.js';

const LABEL_VALUE = /^(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)$/;

/**
 * `<app>:<group>/<kind>:<namespace>/<name>` (Argo CD's format): group is empty for the core API
 * group and namespace is empty for cluster-scoped objects, e.g. `shop:/Service:web/frontend`,
 * `shop:apiextensions.k8s.io/CustomResourceDefinition:/widgets.example.com`.
 * Compute it after the namespace default is applied; an object with only `generateName` gets an
 * id ending in `/` that never verifies (hooks are removed by their delete policy, not by prune).
 */
export function trackingId(app: string, obj: KubeObject): string {
  const key = refOf(obj);
  return `${app}:${key.group}/${key.kind}:${key.namespace}/${key.name}`;
}

/**
 * A copy of `obj` carrying the tracking annotation and the `mooring.dev/app` label; the input is
 * not modified.
 * @throws {RangeError} when the app name cannot be a label value (at most 63 characters,
 *   alphanumerics, `-`, `_`, `.`, starting and ending with an alphanumeric)
 */
export function stampTracking(app: string, obj: KubeObject): KubeObject {
  if (!LABEL_VALUE.test(app)) {
    throw new RangeError(
      `Cannot use app name "${app}" as the value of label "${APP_LABEL}": it must be a valid label value`,
    );
  }
  return {
    ...obj,
    metadata: {
      ...obj.metadata,
      labels: { ...obj.metadata.labels, [APP_LABEL]: app },
      annotations: { ...obj.metadata.annotations, [TRACKING_ANNOTATION]: trackingId(app, obj) },
    },
  };
}

/** True when the live object's tracking annotation names `app` and this very object. */
export function isTrackedBy(app: string, liveObj: KubeObject): boolean {
  const annotation = liveObj.metadata.annotations?.[TRACKING_ANNOTATION];
  return (
    annotation !== undefined && liveObj.metadata.name !== undefined && annotation === trackingId(app, liveObj)
  );
}

/**
 * The other app a live object is tracked by (its tracking annotation or `mooring.dev/app` label
 * names an app other than `app`), or undefined when it is untracked or this app's. For
 * `FailOnSharedResource`.
 */
export function trackedByOtherApp(app: string, liveObj: KubeObject): string | undefined {
  const annotation = liveObj.metadata.annotations?.[TRACKING_ANNOTATION];
  const fromAnnotation = annotation === undefined ? undefined : annotation.slice(0, annotation.indexOf(':'));
  const fromLabel = liveObj.metadata.labels?.[APP_LABEL];
  return [fromAnnotation, fromLabel].find((owner) => owner !== undefined && owner !== '' && owner !== app);
}
