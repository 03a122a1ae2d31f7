/**
 * Queue tasks the tune capability ships. Registered on import of the tune folder, so every process
 * that loads it (the CLI, and so each `fleetcast worker` host) resolves the same names.
 */
import { registerTask } from '../../core/queue/index.js';

export const EXAMPLE_TASK = 'tune.example';

// Under vitest this file is the `.ts` source and so is the task module (the pool's threads load it
// through the queue's TypeScript hooks); compiled, both are `.js`.
const extension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
registerTask(EXAMPLE_TASK, new URL(`../examples/task${extension}`, import.meta.url));
