/**
 * Queue tasks the tune capability ships. Registered on import of the tune folder, so every process
 * that loads it (the CLI, and so each `fleetcast worker` host) resolves the same names.
 */
import { registerTask } from '../../core/queue/index.js';

export const EXAMPLE_TASK = 'tune.example';
/** One replicate of a calibration: simulate, align with the targets (calibrate/task.ts). */
export const CALIBRATE_TASK = 'tune.calibrate';
/** One trial of a model-tuning spec: fit and backtest a forecaster or performance model (tuning/task.ts). */
export const MODEL_TASK = 'tune.model';

// Under vitest this file is the `.ts` source and so is the task module (the pool's threads load it
// through the queue's TypeScript hooks); compiled, both are `.js`.
const extension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
registerTask(EXAMPLE_TASK, new URL(`../examples/task${extension}`, import.meta.url));
registerTask(CALIBRATE_TASK, new URL(`../calibrate/task${extension}`, import.meta.url));
registerTask(MODEL_TASK, new URL(`../tuning/task${extension}`, import.meta.url));
