/**
 * A closed loop with a bottleneck, computed by exact mean-value analysis (users with think time Z in
 * front of one FCFS station of service time S behind an entry of fixed delay): the run steps past
 * the knee, so the model must hold throughput at capacity and grow response time linearly beyond the
 * trained range (facts §4) — not extrapolate the per-user rate.
 */
import { describe, expect, it } from 'vitest';
import type { LoadStepRow } from '../../../src/models/data/index.js';
import { detectSaturation, fitPerformanceModel } from '../../../src/models/performance/index.js';
import { LEVELS, syntheticRun } from './synthetic.js';

const THINK = 0.25;
const SERVICE_TIME = 0.02; // capacity 50 req/s
const ENTRY_DELAY = 0.005;

/** Exact MVA for a delay station (entry) + one queueing station (db): throughput and db residence. */
function mva(users: number): { throughput: number; dbResidence: number } {
  let queue = 0;
  let throughput = 0;
  let residence = 0;
  for (let n = 1; n <= users; n++) {
    residence = SERVICE_TIME * (1 + queue);
    throughput = n / (THINK + ENTRY_DELAY + residence);
    queue = throughput * residence;
  }
  return { throughput, dbResidence: residence };
}

function saturatingRun(levels: number[]): LoadStepRow[] {
  const rows: LoadStepRow[] = [];
  let t = 1_700_000_000;
  let k = 0;
  for (const users of levels) {
    for (let poll = 0; poll < 5; poll++) {
      t += 10;
      const jitter = 1 + 0.02 * Math.sin(++k * 1.7);
      const { throughput, dbResidence } = mva(users);
      rows.push(
        {
          timestamp: t,
          service: 'frontend',
          users,
          responseTime: (ENTRY_DELAY + dbResidence) * jitter,
          throughput: throughput * jitter,
          cpu: 0.001 * throughput * jitter,
          replicas: 1,
          cpuRequest: 0.1,
        },
        {
          timestamp: t,
          service: 'db',
          users,
          responseTime: dbResidence * jitter,
          throughput: throughput * jitter,
          cpu: SERVICE_TIME * throughput * jitter,
          replicas: 1,
          cpuRequest: 0.1,
        },
      );
    }
  }
  return rows;
}

const relErr = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe('saturation beyond the trained range', () => {
  const model = fitPerformanceModel(saturatingRun([2, 4, 6, 8, 10, 20, 30]), { bucketSeconds: 1 });

  it('holds throughput at capacity and grows response time along the law R = N/X − Z', () => {
    for (const service of model.params.services) expect(service.saturation?.fromUsers).toBe(20);
    for (const users of [40, 60, 100]) {
      const truth = mva(users);
      const [frontend, db] = model.predict([
        { service: 'frontend', users },
        { service: 'db', users },
      ]);
      expect(relErr(frontend!.throughput, truth.throughput)).toBeLessThan(0.05);
      expect(relErr(db!.throughput, truth.throughput)).toBeLessThan(0.05);
      expect(relErr(frontend!.responseTime, ENTRY_DELAY + truth.dbResidence)).toBeLessThan(0.1);
      expect(relErr(db!.responseTime, truth.dbResidence)).toBeLessThan(0.1);
      // CPU follows throughput through the utilisation law: flat at the bottleneck's capacity.
      expect(relErr(db!.cpu, SERVICE_TIME * truth.throughput)).toBeLessThan(0.05);
    }
  });

  it('keeps proportional extrapolation for a run that never reached its knee', () => {
    const unsaturated = fitPerformanceModel(syntheticRun(LEVELS));
    for (const service of unsaturated.params.services) expect(service.saturation).toBeUndefined();
  });

  it('needs two saturated top levels: one low level, or a dip mid-range, is noise', () => {
    const level = (users: number, throughput: number) => ({ users, throughput, responseTime: 0.01 });
    expect(detectSaturation([level(10, 10), level(20, 20), level(30, 20)])).toBeUndefined();
    expect(detectSaturation([level(10, 10), level(20, 10), level(30, 30), level(40, 40)])).toBeUndefined();
    const found = detectSaturation([level(10, 10), level(20, 20), level(30, 21), level(40, 20)]);
    expect(found).toMatchObject({ fromUsers: 30, throughput: 20.5 });
    expect(detectSaturation([level(0, 0), level(10, Number.NaN)])).toBeUndefined();
  });
});
