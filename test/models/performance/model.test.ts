import { describe, expect, it } from 'vitest';
import { interpolationSplit } from '../../../src/models/data/index.js';
import {
  fitCpuLaw,
  fitPerformanceModel,
  meanMetrics,
  PerformanceModel,
  runPerformanceProtocol,
  scorePerformance,
  scoresMarkdown,
} from '../../../src/models/performance/index.js';
import {
  ALL_LEVELS,
  chooseNeighbours,
  interpolate,
  relativeLocalLinear,
} from '../../../src/models/performance/smoothing.js';
import { LEVELS, syntheticRun, truth } from './synthetic.js';

const relErr = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe('performance model on a synthetic closed-loop fleet', () => {
  const rows = syntheticRun(LEVELS);

  it('interpolates held-out levels close to the noise-free truth', () => {
    const { train, testLevels } = interpolationSplit(rows);
    const model = fitPerformanceModel(train);
    for (const users of testLevels) {
      for (const service of ['api', 'db']) {
        const [p] = model.predict([{ service, users, replicas: truth(service, users).replicas }]);
        const t = truth(service, users);
        expect(relErr(p!.throughput, t.throughput)).toBeLessThan(0.02);
        expect(relErr(p!.responseTime, t.responseTime)).toBeLessThan(0.03);
        expect(relErr(p!.cpu, t.cpu)).toBeLessThan(0.04);
      }
    }
    // Pooling levels beats interpolating two noisy medians when the relation is smooth.
    expect(model.params.services.every((s) => s.neighbours.throughput > 2)).toBe(true);
  });

  it('extrapolates to 3–7× the training load along the laws: throughput ∝ users, CPU = idle + demand·X', () => {
    const model = fitPerformanceModel(rows);
    for (const factor of [3, 7]) {
      const users = 60 * factor;
      for (const [service, replicas] of [
        ['api', 1],
        ['api', 8],
        ['db', 1],
      ] as const) {
        const [p] = model.predict([{ service, users, replicas }]);
        const t = truth(service, users, replicas);
        expect(relErr(p!.throughput, t.throughput)).toBeLessThan(0.03);
        expect(relErr(p!.cpu, t.cpu)).toBeLessThan(0.1);
        expect(p!.responseTime).toBeGreaterThan(0);
      }
    }
    // Below the range too, and never negative or NaN.
    const [low] = model.predict([{ service: 'db', users: 1 }]);
    expect(relErr(low!.throughput, 2)).toBeLessThan(0.03);
    expect(low!.cpu).toBeGreaterThan(0);
  });

  it('scores per service and leaves outage polls (throughput 0) out', () => {
    const model = fitPerformanceModel(rows);
    const test = syntheticRun([31, 33], 5, 0.05, 99);
    const outage = { ...test[0]!, responseTime: Number.NaN, throughput: 0, cpu: 0.0001 };
    const scores = scorePerformance(model, [outage, ...test.slice(1)]);
    expect(Object.keys(scores.services)).toEqual(['api', 'db']);
    expect(scores.services[outage.service]!.excluded_rows).toBe(1);
    for (const s of Object.values(scores.services)) {
      expect(s.mape.throughput).toBeGreaterThan(0);
      expect(s.mape.throughput).toBeLessThan(5);
      expect(s.rmse.cpu).toBeGreaterThan(0);
    }
    const table = scoresMarkdown(scores);
    expect(table).toMatch(/^\| service \| MAPE response time % \|/);
    expect(table).toMatch(/\n\| \*\*mean\*\* \| [\d.]+ \|/);
    expect(table).toContain(`left out of scoring: ${outage.service} 1`);
    expect(Object.keys(meanMetrics(scores)).sort()).toEqual([
      'mean_mape_cpu',
      'mean_mape_response_time',
      'mean_mape_throughput',
      'mean_rmse_cpu',
      'mean_rmse_response_time',
      'mean_rmse_throughput',
    ]);
    expect(scores.mean.mape.cpu).toBeCloseTo((scores.services.api!.mape.cpu + scores.services.db!.mape.cpu) / 2, 12);
  });

  it('refuses unknown services, invalid users, damaged parameters and a split without test data', () => {
    const model = fitPerformanceModel(rows);
    expect(() => model.predict([{ service: 'nope', users: 10 }])).toThrow(/no service "nope".*/);
    expect(() => model.predict([{ service: 'api', users: Number.NaN }])).toThrow(/users must be a finite number/);
    const params = structuredClone(model.toJSON());
    params.services[0]!.cpu.pop();
    expect(() => PerformanceModel.fromJSON(params)).toThrow(/one value per user level/);
    expect(() => PerformanceModel.fromJSON({ kind: 'other' })).toThrow(/train the model again|kind/);
    expect(
      PerformanceModel.fromJSON(JSON.parse(JSON.stringify(model))).predict([{ service: 'api', users: 33 }]),
    ).toEqual(model.predict([{ service: 'api', users: 33 }]));
    expect(() => runPerformanceProtocol({ split: 'extrapolation', data: rows })).toThrow(
      expect.objectContaining({ code: 'FLEETCAST_USAGE' }),
    );
    expect(() => fitPerformanceModel(syntheticRun([10]))).toThrow(/fewer than 2 user levels/);
  });
});

describe('smoothing and laws', () => {
  it('fits a line exactly and interpolates between knots, clamping outside', () => {
    const levels = [1, 2, 3, 4, 5].map((x) => ({ x, rows: [2 * x + 1, 2 * x + 1] }));
    expect(relativeLocalLinear(levels, 2.5, ALL_LEVELS)).toBeCloseTo(6, 6);
    expect(relativeLocalLinear(levels, 2.5, 2)).toBeCloseTo(6, 6);
    expect(chooseNeighbours(levels, 2)).toBe(2);
    const knots = [
      { x: 0, y: 0 },
      { x: 10, y: 5 },
    ];
    expect(interpolate(knots, 4)).toBe(2);
    expect(interpolate(knots, -3)).toBe(0);
    expect(interpolate(knots, 30)).toBe(5);
  });

  it('recovers the CPU law and drops a non-physical negative term', () => {
    const points = [1, 2, 3, 4].map((r) => ({ replicas: r, throughput: 10 * r + (r % 2), cpu: 0 }));
    for (const p of points) p.cpu = 0.01 + 0.02 * p.replicas + 0.003 * p.throughput;
    const law = fitCpuLaw(points, true);
    expect(law.intercept).toBeCloseTo(0.01, 6);
    expect(law.perReplica).toBeCloseTo(0.02, 6);
    expect(law.demand).toBeCloseTo(0.003, 6);
    const falling = [1, 2, 3].map((x) => ({ replicas: 1, throughput: x, cpu: 1 - 0.1 * x }));
    const clamped = fitCpuLaw(falling, false);
    expect(clamped.demand).toBeGreaterThanOrEqual(0);
    expect(clamped.perReplica).toBe(0);
  });
});
