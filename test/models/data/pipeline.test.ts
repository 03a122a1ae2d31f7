import { describe, expect, it } from 'vitest';
import {
  aggregateDuplicates,
  extrapolationSplit,
  fitScaler,
  groupByServiceLevel,
  heldOutLevels,
  interpolationSplit,
  type LoadStepRow,
  mapeCentre,
  median,
  scale,
  summarizeLevels,
  unscale,
} from '../../../src/models/data/index.js';

const row = (service: string, users: number, timestamp: number, extra: Partial<LoadStepRow> = {}): LoadStepRow => ({
  timestamp,
  service,
  users,
  responseTime: 0.01,
  throughput: users,
  cpu: 0.1,
  ...extra,
});

/** Every service at every level, two polls per level. */
function run(services: string[], levels: number[]): LoadStepRow[] {
  return levels.flatMap((users, i) =>
    [0, 1].flatMap((poll) => services.map((s) => row(s, users, 1_000 + (2 * i + poll) * 60))),
  );
}

describe('duplicate merging and grouping', () => {
  it('merges polls of the same minute, service and level by the mean of finite values', () => {
    const merged = aggregateDuplicates([
      row('a', 10, 1000.2, { responseTime: 1, cpu: Number.NaN, replicas: 1 }),
      row('a', 10, 1019.9, { responseTime: 3, cpu: 0.4, replicas: 3 }),
      row('a', 10, 1061, { responseTime: Number.NaN }),
      row('a', 20, 1001, { responseTime: 5 }),
    ]);
    expect(merged).toHaveLength(3);
    expect(merged[0]).toMatchObject({ timestamp: 1020, users: 10, responseTime: 2, cpu: 0.4, replicas: 2 });
    // A level is part of the key: a merge never invents a load between two steps.
    expect(merged[1]).toMatchObject({ timestamp: 1020, users: 20, responseTime: 5 });
    expect(merged[2]!.responseTime).toBeNaN();
    expect(() => aggregateDuplicates([], 0)).toThrow(/bucket must be positive/);
  });

  it('groups per service and level, and names a service missing from a level', () => {
    const rows = run(['a', 'b'], [10, 20, 30]);
    const groups = groupByServiceLevel(rows);
    expect(groups.map((g) => g.service)).toEqual(['a', 'b']);
    expect(groups[0]!.levels.map((l) => [l.users, l.rows.length])).toEqual([
      [10, 2],
      [20, 2],
      [30, 2],
    ]);
    const broken = rows.filter((r) => !(r.service === 'b' && r.users === 20));
    expect(() => groupByServiceLevel(broken, 'run.csv')).toThrow(
      /run\.csv: service b has no rows at user level\(s\) 20 \(other services do\)/,
    );
  });

  it('summarises levels by medians and refuses a level with no finite measurement', () => {
    const rows = [
      row('a', 10, 1, { cpu: 1, replicas: 2 }),
      row('a', 10, 61, { cpu: 3, replicas: 2 }),
      row('a', 10, 121, { cpu: 8, replicas: 2 }),
    ];
    const [summary] = summarizeLevels(groupByServiceLevel(rows)[0]!);
    expect(summary).toMatchObject({ users: 10, cpu: 3, replicas: 2, count: 3 });
    const missing = rows.map((r) => ({ ...r, responseTime: Number.NaN }));
    expect(() => summarizeLevels(groupByServiceLevel(missing)[0]!)).toThrow(
      /service a has no finite "Response Time \(s\)" at user level 10/,
    );
  });

  it('computes medians and the MAPE-optimal centre over finite values', () => {
    expect(median([3, Number.NaN, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(median([Number.NaN])).toBeNaN();
    // Weights 1/y pull the centre below the median: 1 carries as much weight as 2 and 4 together.
    expect(mapeCentre([1, 2, 4])).toBe(1);
    expect(mapeCentre([0, Number.NaN])).toBeNaN();
  });
});

describe('scaling', () => {
  it('fits on training values only and inverts exactly; a constant column scales by 1', () => {
    const scaler = fitScaler([1, 2, 3, Number.NaN]);
    expect(scaler.mean).toBe(2);
    expect(scale(scaler, 2)).toBe(0);
    expect(unscale(scaler, scale(scaler, 7.5))).toBeCloseTo(7.5, 12);
    expect(fitScaler([5, 5])).toEqual({ mean: 5, std: 1 });
    expect(() => fitScaler([Number.NaN])).toThrow(/no finite values/);
  });
});

describe('published splits', () => {
  it('holds out the 5 middle levels of the kpp normal run: 82 to 86', () => {
    const levels = Array.from({ length: 50 }, (_, i) => 60 + i);
    expect(heldOutLevels(levels)).toEqual([82, 83, 84, 85, 86]);
    expect(heldOutLevels([1, 2, 3, 4, 5, 6, 7])).toEqual([2, 3, 4, 5, 6]);
  });

  it('keeps min and max levels in training and partitions the rows', () => {
    const rows = run(['a'], [1, 2, 3, 4, 5, 6, 7, 8]);
    const split = interpolationSplit(rows);
    expect(split.testLevels).toEqual([2, 3, 4, 5, 6]);
    expect(new Set(split.train.map((r) => r.users))).toEqual(new Set([1, 7, 8]));
    expect(split.train.length + split.test.length).toBe(rows.length);
  });

  it('refuses too few levels to split', () => {
    expect(() => interpolationSplit(run(['a'], [1, 2, 3, 4, 5, 6]))).toThrow(
      /needs at least 7 user levels, the data has 6/,
    );
    expect(() => extrapolationSplit(run(['a'], [1]), run(['a'], [5]))).toThrow(/fewer than 2 user levels/);
  });

  it('extrapolation trains on one run and tests on the other, refusing unknown services', () => {
    const split = extrapolationSplit(run(['a'], [1, 2]), run(['a'], [10, 20]));
    expect(split.testLevels).toEqual([10, 20]);
    expect(() => extrapolationSplit(run(['a'], [1, 2]), run(['a', 'z'], [10]))).toThrow(/absent from training: z/);
  });
});
