import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LoadStepRow } from '../../../src/models/data/index.js';
import {
  fitPerformanceGru,
  loadPerformanceGruModel,
  loadPerformanceModel,
  type PerformanceGruRow,
  savePerformanceGruModel,
} from '../../../src/models/performance/index.js';
import { ROLE, serviceSeries } from '../../../src/models/performance/sequence/index.js';
import { tempDir } from '../../helpers/services.js';
import { predictInChildProcess } from './fresh-process.js';
import { STEP_LEVELS, stepRun } from './synthetic.js';

const LEVELS = STEP_LEVELS;
const FAST = { epochs: 25, hidden: 16, seed: 5 };

let dir: { path: string; remove: () => void };
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.remove());

/** The last `window` polls of `service` before its last poll, as a signature row. */
function recentRow(rows: readonly LoadStepRow[], service: string, window: number): PerformanceGruRow {
  const polls = rows.filter((r) => r.service === service).slice(-window - 1, -1);
  return {
    service,
    recent_users: polls.map((p) => p.users),
    recent_response_time: polls.map((p) => p.responseTime),
    recent_throughput: polls.map((p) => p.throughput),
    recent_cpu: polls.map((p) => p.cpu),
  };
}

describe('serviceSeries: the original split', () => {
  it('tests the last 20 % of each level, validates on every fifth level, and cuts segments at pauses', () => {
    const [api] = serviceSeries(stepRun(LEVELS));
    expect(api!.length).toBe(12 * 21);
    const roles = (level: number) => Array.from(api!.role.slice(level * 21, (level + 1) * 21));
    // 21 polls: 16 training, 5 test (the original's int(21 · 0.8)); level index 2 and 7 validate.
    expect(roles(0)).toEqual([...Array(16).fill(ROLE.train), ...Array(5).fill(ROLE.test)]);
    expect(roles(2)).toEqual([...Array(16).fill(ROLE.validation), ...Array(5).fill(ROLE.test)]);
    expect(
      roles(7)
        .slice(0, 16)
        .every((r) => r === ROLE.validation),
    ).toBe(true);
    expect(api!.segment[20]).toBe(0);
    expect(api!.segment[21]).toBe(1);
  });

  it('carries a missing measurement forward as an input and never makes that poll a target', () => {
    const rows = stepRun(LEVELS);
    const hole = rows.findIndex((r) => r.service === 'api' && r.users === 25);
    rows[hole + 2 * 3] = { ...rows[hole + 2 * 3]!, cpu: Number.NaN };
    const [api] = serviceSeries(rows);
    const i = 21 + 3;
    expect(api!.observed[i]).toBe(0);
    expect(api!.features[i * 4 + 3]).toBe(api!.features[(i - 1) * 4 + 3]);
    const { scores } = fitPerformanceGru(rows, { ...FAST, epochs: 2 });
    for (const s of Object.values(scores.services)) expect(Number.isFinite(s.scaled_rmse)).toBe(true);
  });
});

describe('fitPerformanceGru', () => {
  it('learns better than repeating the last poll, the same way for the same seed', () => {
    const rows = stepRun(LEVELS);
    const first = fitPerformanceGru(rows, FAST);
    const again = fitPerformanceGru(rows, FAST);
    expect(again.scores).toEqual(first.scores);
    expect(again.model.toJSON()).toEqual(first.model.toJSON());
    const { services, mean, skipped } = first.scores;
    expect(skipped).toEqual({});
    expect(Object.keys(services)).toEqual(['api', 'db']);
    for (const s of Object.values(services)) {
      expect(s.test_windows).toBe(12 * 5);
      expect(s.validation_windows).toBe(2 * 11);
      expect(s.train_windows).toBe(10 * 11);
      // Uniform ±15 % noise: the last poll errs by √2·σ, a good window estimate by about σ.
      expect(s.scaled_rmse).toBeLessThan(0.85 * s.baseline_scaled_rmse);
    }
    expect(mean.scaled_rmse).toBeLessThan(mean.baseline_scaled_rmse);
    // Another seed: other weights, a similar score.
    const other = fitPerformanceGru(rows, { ...FAST, seed: 6 });
    expect(other.model.toJSON()).not.toEqual(first.model.toJSON());
    expect(other.scores.mean.scaled_rmse).toBeLessThan(mean.baseline_scaled_rmse);
  });

  it('skips a service whose levels are too short for a window, and says why', () => {
    // db polled 5 times per level: 4 training polls, fewer than window 5 + 1.
    const rows = [
      ...stepRun(LEVELS).filter((r) => r.service === 'api'),
      ...stepRun(LEVELS, 5).filter((r) => r.service === 'db'),
    ];
    const { scores, model } = fitPerformanceGru(rows, { ...FAST, epochs: 2 });
    expect(Object.keys(scores.services)).toEqual(['api']);
    expect(scores.skipped.db).toBe('60 polls give 0 training windows of 5 + 1 polls (at least 8 needed)');
    expect(model.services).toEqual(['api']);
    expect(Number.isFinite(scores.mean.scaled_rmse)).toBe(true);
  });

  it('refuses data in which no service has enough polls', () => {
    const rows = stepRun([10, 20, 30], 4);
    expect(() => fitPerformanceGru(rows, FAST)).toThrow(
      expect.objectContaining({
        code: 'FLEETCAST_INVALID_ARGUMENT',
        message: expect.stringMatching(/no service has enough polls for the GRU \(api: 12 polls give 0 training/),
      }),
    );
  });
});

describe('GRU performance artifact', () => {
  it('saves a model that a fresh process loads and predicts identically', async () => {
    const rows = stepRun(LEVELS);
    const { model } = fitPerformanceGru(rows, { ...FAST, epochs: 3 });
    const target = join(dir.path, 'gru', 'v1');
    const manifest = savePerformanceGruModel(target, model, { metrics: { mean_scaled_rmse: 0.1 } });
    expect(manifest.flavor).toBe('performance');
    expect(manifest.params).toMatchObject({ kind: 'fleetcast.performance-gru/v1', services: ['api', 'db'], window: 5 });
    expect(manifest.signature.inputs.map((f) => f.name)).toEqual([
      'service',
      'recent_users',
      'recent_response_time',
      'recent_throughput',
      'recent_cpu',
    ]);
    // A CSV or warehouse cell holds the arrays as JSON text: the same answer.
    const api = recentRow(rows, 'api', 5);
    const batch = [api, recentRow(rows, 'db', 5), { ...api, recent_cpu: JSON.stringify(api.recent_cpu) }];
    const expected = model.predict([
      {
        service: 'api',
        users: api.recent_users as number[],
        responseTime: api.recent_response_time as number[],
        throughput: api.recent_throughput as number[],
        cpu: api.recent_cpu as number[],
      },
    ]);
    const loaded = await loadPerformanceGruModel(target);
    const predicted = await loaded.predict(batch);
    expect(predicted[0]).toEqual({
      service: 'api',
      response_time: expected[0]!.responseTime,
      throughput: expected[0]!.throughput,
      cpu: expected[0]!.cpu,
    });
    expect(predicted[2]).toEqual(predicted[0]);
    for (const p of predicted)
      for (const v of [p.response_time, p.throughput, p.cpu]) expect(Number.isFinite(v)).toBe(true);
    expect(predictInChildProcess('loadPerformanceGruModel', target, batch)).toEqual(predicted);
    // The law-based loader refuses it with a pointer to the right one.
    await expect(loadPerformanceModel(target)).rejects.toThrow(/GRU sequence performance model/);
  });

  it('answers a short window or an unknown service with a reason, never NaN', async () => {
    const rows = stepRun(LEVELS);
    const target = join(dir.path, 'gru');
    savePerformanceGruModel(target, fitPerformanceGru(rows, { ...FAST, epochs: 1 }).model);
    const loaded = await loadPerformanceGruModel(target);
    const good = recentRow(rows, 'api', 5);
    expect(loaded.accepts?.(good as unknown as Record<string, unknown>)).toBeUndefined();
    const short = { ...good, recent_users: [30, 30] };
    expect(loaded.accepts?.(short as unknown as Record<string, unknown>)).toMatch(
      /recent users must be 5 finite numbers/,
    );
    await expect(loaded.predict([short])).rejects.toThrow(/recent users must be 5 finite numbers/);
    await expect(loaded.predict([{ ...good, recent_cpu: 'not json' }])).rejects.toThrow(/recent cpu/);
    await expect(loaded.predict([{ ...good, service: 'cache' }])).rejects.toThrow(/no service "cache"/);
  });
});
