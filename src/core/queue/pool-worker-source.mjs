/**
 * Source mode only (tests): the piscina worker entry when local-pool.ts runs as TypeScript. It
 * installs the `.ts` module hooks in this worker thread, then hands every task to pool-worker.ts.
 * The compiled package points piscina at dist/core/queue/pool-worker.js instead.
 */
import { register } from 'node:module';

register('./ts-hooks.mjs', import.meta.url);

// Imported lazily rather than with top-level await: piscina may load this entry with require().
let worker;

export default async function runPoolTask(message) {
  worker ??= import('./pool-worker.ts');
  return (await worker).default(message);
}
