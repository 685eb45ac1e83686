import { condition, defineQuery, defineSignal, setHandler } from '@temporalio/workflow';

/** Answers the `status` query with what it was started with, until told to stop. */
export async function statusWorkflow(status: unknown): Promise<void> {
  let stopped = false;
  setHandler(defineQuery<unknown>('status'), () => status);
  setHandler(defineSignal('stop'), () => {
    stopped = true;
  });
  await condition(() => stopped);
}
