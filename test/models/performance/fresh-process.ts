/**
 * Loads a saved performance model in a fresh Node process and predicts `batch`: the round trip a
 * saved artifact must survive. The sources are TypeScript, so the child registers the same module
 * hooks the worker pool uses in source mode (esbuild, present with vitest).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect } from 'vitest';

const SOURCE = (relative: string) =>
  pathToFileURL(fileURLToPath(new URL(`../../../src/${relative}`, import.meta.url))).href;

/** `loader` is the export of src/models/performance/index.ts that opens the folder. */
export function predictInChildProcess(
  loader: 'loadPerformanceModel' | 'loadPerformanceGruModel',
  modelDir: string,
  batch: unknown,
): unknown {
  const script = `
    import { register } from 'node:module';
    register(${JSON.stringify(SOURCE('core/queue/ts-hooks.mjs'))});
    const { ${loader}: load } = await import(${JSON.stringify(SOURCE('models/performance/index.ts'))});
    const predictor = await load(process.argv[1]);
    process.stdout.write(JSON.stringify(await predictor.predict(${JSON.stringify(batch)})));
  `;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script, modelDir], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(child.stderr).toBe('');
  expect(child.status).toBe(0);
  return JSON.parse(child.stdout);
}
