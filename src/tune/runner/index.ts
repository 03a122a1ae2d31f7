/** The runner: a study's objective evaluated on the work queue (local pool or BullMQ). */
export { aggregate, parseOutput } from './aggregate.js';
export { EXAMPLE_NAMES, type ExampleRunOptions, type ExampleRunResult, runExample } from './example.js';
export { runStudy } from './runner.js';
export { EXAMPLE_TASK } from './tasks.js';
export type { ObjectiveOutput, ObjectivePayload, RunOptions, RunProgress, RunSummary } from './types.js';
