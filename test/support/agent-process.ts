/**
 * The pull topology as processes: one control-plane worker that runs the workflows (its own
 * cluster queue is a decoy nobody sends to), and agents (`bin/mooring worker --agent`) of the
 * test's cluster, each with its own cache directory (`MOORING_CACHE`), as separate pods would be.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot, temporalAddress } from './stack.js';
import { spawnProcessGroup, spawnWorker, type ProcessGroup } from './worker-process.js';

export interface AgentProcess extends ProcessGroup {
  /** This agent's `MOORING_CACHE`. */
  cacheDir: string;
}

/** The workflow worker of `taskQueue`, serving no cluster the test uses; caches under `cacheDir`. */
export function spawnControlWorker(taskQueue: string, cluster: string, logFile: string, cacheDir: string) {
  return spawnWorker(taskQueue, `${cluster}-control-only`, logFile, {
    env: { ...process.env, MOORING_CACHE: cacheDir },
  });
}

/** An agent of `cluster` with a fresh cache directory of its own. */
export async function spawnAgent(
  taskQueue: string,
  cluster: string,
  logFile: string,
  env: NodeJS.ProcessEnv = {},
): Promise<AgentProcess> {
  const cacheDir = await mkdtemp(join(tmpdir(), 'mooring-agent-cache-'));
  const agent = spawnProcessGroup(
    `agent of ${cluster}`,
    join(projectRoot, 'bin/mooring'),
    [
      '--address',
      temporalAddress(),
      'worker',
      '--agent',
      '--task-queue',
      taskQueue,
      '--cluster',
      cluster,
      '--metrics-port',
      '0',
      '--no-schedules',
    ],
    logFile,
    { ...process.env, ...env, MOORING_CACHE: cacheDir },
  );
  await agent.logged('worker started');
  return Object.assign(agent, { cacheDir });
}
