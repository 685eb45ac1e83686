import { ensureWorkflowBundle } from '../workers/workflow-bundle.js';

const started = performance.now();
const path = await ensureWorkflowBundle({ force: true });
console.log(`workflow bundle written to ${path} in ${Math.round(performance.now() - started)} ms`);
