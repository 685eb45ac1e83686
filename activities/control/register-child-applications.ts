/**
 * App of apps, the control plane's half: registers the child apps an agent read from its parent's
 * rendered manifests (`child-applications.ts`) as Mooring applications, each its own entity
 * workflow. The specs are validated again here (`child-spec-check.ts`), and an app of apps never
 * overwrites an app it did not create.
 */
import type { Client } from '@temporalio/client';
import { applySpec, creatorOf } from '../../client/apply-spec.js';
import type {
  RegisterChildApplicationsInput,
  RegisterChildApplicationsResult,
  RegisteredApplication,
} from '../../contract/activities.js';
import { PolicyViolation } from '../../contract/errors.js';
import { parentLabel } from './child-applications.js';
import { checkChildSpecs } from './child-spec-check.js';

/**
 * Registers every child of `input` on `taskQueue`, recording the parent as their creator. Every
 * child is checked before any is registered: one refused child registers none.
 * @throws {ManifestInvalid} when a spec is not a valid application spec
 * @throws {PolicyViolation} when a child exists and was not created by this parent, or has its name
 */
export async function registerChildApplications(
  client: Client,
  taskQueue: string,
  input: RegisterChildApplicationsInput,
): Promise<RegisterChildApplicationsResult> {
  const { parent } = input;
  const source = parentLabel(parent, input.revision);
  const specs = checkChildSpecs(input.specs, source, parent);
  for (const spec of specs) {
    const creator = await creatorOf(client, spec.name);
    if (creator !== undefined && creator !== parent)
      throw new PolicyViolation(
        `${source}: app of apps "${parent}" may not overwrite app "${spec.name}": it was ` +
          (creator === null ? 'applied by an operator' : `created by app of apps "${creator}"`) +
          '; nothing was registered. Rename the child, or delete the existing app first',
      );
  }
  const registered: RegisteredApplication[] = [];
  for (const spec of specs)
    registered.push({ name: spec.name, outcome: await applySpec(client, spec, taskQueue, parent) });
  return { registered };
}
