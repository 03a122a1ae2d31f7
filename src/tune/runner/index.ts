/** The runner: a study's objective evaluated on the work queue (local pool or BullMQ). */
export { aggregate, parseOutput } from './aggregate.js';
export { EXAMPLE_NAMES, type ExampleRunOptions, type ExampleRunResult, runExample } from './example.js';
export { historyOf, type TrialPoint } from './history.js';
export { runStudy } from './runner.js';
export { CALIBRATE_TASK, EXAMPLE_TASK, MODEL_TASK } from './tasks.js';
export type { ObjectiveOutput, ObjectivePayload, RunOptions, RunProgress, RunSummary } from './types.js';
