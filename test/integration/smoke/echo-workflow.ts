import { proxyActivities } from '@temporalio/workflow';
import type * as activities from './echo-activities.js';

const { echo } = proxyActivities<typeof activities>({ startToCloseTimeout: '10s' });

/** The smallest useful workflow: one activity round trip. */
export async function echoWorkflow(text: string): Promise<string> {
  return await echo(text);
}
