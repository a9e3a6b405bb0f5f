/** The workflow bundle's entry: it only re-exports workflows. */
export { awardsRun } from './awards-run';
export { okrCycle } from './okr-cycle';
export { outboxDelivery } from './outbox-delivery';
export { taskBatch } from './task-batch';
