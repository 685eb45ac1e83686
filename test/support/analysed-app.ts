/**
 * An app gated by `spec.analysis` on the stack's Prometheus, for end-to-end tests: its check reads
 * the error ratio the test exporter takes from the live Deployment's pod-template annotation
 * test.mooring.dev/error-ratio, so a commit raises the metric through Git → cluster → exporter →
 * Prometheus. No data (no annotation) is inconclusive and accepted.
 */
import { parseDocument } from 'yaml';
import { applicationWorkflowId } from '../../contract/ids.js';
import { refreshSignal } from '../../contract/messages.js';
import { guestbookDeployment } from './e2e.js';
import type { E2eApp, E2eEnv } from './e2e.js';

export const ANALYSIS_BAKE = '4s';

export interface AnalysedApp {
  app: E2eApp;
  /** Commits the guestbook Deployment with this error ratio and image, signals a refresh; returns the SHA. */
  push(message: string, ratio: string, image: string): Promise<string>;
}

/** The guestbook Deployment with the error ratio the exporter will report for it. */
async function deploymentWithErrorRatio(ratio: string, image: string): Promise<string> {
  const doc = parseDocument(await guestbookDeployment({ image }));
  doc.setIn(['spec', 'template', 'metadata', 'annotations', 'test.mooring.dev/error-ratio'], ratio);
  return String(doc);
}

export async function createAnalysedApp(env: E2eEnv, prefix: string): Promise<AnalysedApp> {
  const namespace = `e2e-${prefix}-${env.suffix}`;
  const app = await env.createApp(prefix, {
    spec: {
      analysis: {
        bakeTime: ANALYSIS_BAKE,
        inconclusive: 'Accept',
        checks: [
          {
            name: 'error-ratio',
            query: `max(mooring_test_deployment_error_ratio{namespace="${namespace}",deployment="guestbook-ui"})`,
            thresholdRange: { max: 0.05 },
            interval: '3s',
            count: 3,
          },
        ],
      },
    },
  });
  if (app.namespace !== namespace)
    throw new Error(`The analysis query names namespace ${namespace}, the app deploys to ${app.namespace}`);
  return {
    app,
    async push(message, ratio, image) {
      const sha = await app.repo.commit(message, {
        'guestbook/deployment.yaml': await deploymentWithErrorRatio(ratio, image),
      });
      await env.client.workflow
        .getHandle(applicationWorkflowId(app.name))
        .signal(refreshSignal, { reason: 'test push' });
      return sha;
    },
  };
}
