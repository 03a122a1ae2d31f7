import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readModel } from '../../../src/models/index.js';
import {
  fitPerformanceModel,
  loadPerformanceModel,
  PERFORMANCE_WEIGHTS_FILE,
  savePerformanceModel,
} from '../../../src/models/performance/index.js';
import { tempDir } from '../../helpers/services.js';
import { LEVELS, syntheticRun } from './synthetic.js';

let dir: { path: string; remove: () => void };
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.remove());

const BATCH = [
  { service: 'api', users: 11 },
  { service: 'api', users: 37.5, replicas: 2 },
  { service: 'db', users: 400, replicas: 1, cpu_request: 0.1 },
];
/** The same rows in the model's own (camelCase) API. */
const INPUTS = [
  { service: 'api', users: 11 },
  { service: 'api', users: 37.5, replicas: 2 },
  { service: 'db', users: 400, replicas: 1, cpuRequest: 0.1 },
];

const SOURCE = (relative: string) =>
  pathToFileURL(fileURLToPath(new URL(`../../../src/${relative}`, import.meta.url))).href;

/**
 * Loads the model in a fresh Node process. The sources are TypeScript, so the child registers the
 * same module hooks the worker pool uses in source mode (esbuild, present with vitest).
 */
function predictInChildProcess(modelDir: string): unknown {
  const script = `
    import { register } from 'node:module';
    register(${JSON.stringify(SOURCE('core/queue/ts-hooks.mjs'))});
    const { loadPerformanceModel } = await import(${JSON.stringify(SOURCE('models/performance/index.ts'))});
    const predictor = await loadPerformanceModel(process.argv[1]);
    process.stdout.write(JSON.stringify(await predictor.predict(${JSON.stringify(BATCH)})));
  `;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script, modelDir], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(child.stderr).toBe('');
  expect(child.status).toBe(0);
  return JSON.parse(child.stdout);
}

describe('performance flavor', () => {
  it('saves a model that a fresh process loads and predicts identically', async () => {
    const model = fitPerformanceModel(syntheticRun(LEVELS));
    const target = join(dir.path, 'perf', 'v1');
    const manifest = savePerformanceModel(target, model, {
      metrics: { mean_mape_cpu: 1.5 },
      lineage: { datasetSha256: 'a'.repeat(64) },
    });
    expect(manifest.flavor).toBe('performance');
    expect(manifest.params).toMatchObject({ kind: 'fleetcast.performance/v1', services: ['api', 'db'] });
    expect(readModel(target).manifest.metrics).toEqual({ mean_mape_cpu: 1.5 });

    // The predictor speaks the signature's names, in and out.
    const expected = model.predict(INPUTS).map((o) => ({
      service: o.service,
      users: o.users,
      response_time: o.responseTime,
      throughput: o.throughput,
      cpu: o.cpu,
    }));
    const loaded = await loadPerformanceModel(target);
    expect(await loaded.predict(BATCH)).toEqual(expected);
    expect(predictInChildProcess(target)).toEqual(expected);
  });

  it('refuses weights that were altered after saving', async () => {
    const target = join(dir.path, 'm');
    savePerformanceModel(target, fitPerformanceModel(syntheticRun(LEVELS)));
    const path = join(target, PERFORMANCE_WEIGHTS_FILE);
    writeFileSync(path, readFileSync(path, 'utf8').replace('"api"', '"apx"'));
    await expect(loadPerformanceModel(target)).rejects.toThrow(
      expect.objectContaining({ code: 'FLEETCAST_CHECKSUM_MISMATCH' }),
    );
  });
});
