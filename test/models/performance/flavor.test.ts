import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readModel } from '../../../src/models/index.js';
import {
  fitPerformanceModel,
  loadPerformanceModel,
  PERFORMANCE_WEIGHTS_FILE,
  savePerformanceModel,
} from '../../../src/models/performance/index.js';
import { tempDir } from '../../helpers/services.js';
import { predictInChildProcess } from './fresh-process.js';
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
    expect(predictInChildProcess('loadPerformanceModel', target, BATCH)).toEqual(expected);
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
