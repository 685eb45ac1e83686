/** The workflows the worker registers (the bundle's entry point). */
export { applicationWorkflow } from './application.js';
export { syncWorkflow } from './sync.js';
export { gitPollWorkflow } from './git-poll.js';
export { driftScanWorkflow } from './drift-scan.js';
export { autoscaleWorkflow } from './autoscale.js';
export { diffWorkflow } from './diff.js';
export { cascadeDeleteWorkflow } from './delete.js';
export { listRepoDirectoriesWorkflow } from './list-repo-directories.js';
export { driftWatchWorkflow } from './drift-watch.js';
export { notifyDeletedWorkflow } from './notify-deleted.js';
