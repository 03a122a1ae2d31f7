import { describe, expect, it } from 'vitest';
import {
  asofJoin,
  exactJoin,
  measure,
  observedPoints,
  observedSummary,
  type SimulatedTables,
  seriesStats,
} from '../../../src/tune/index.js';

const rows: SimulatedTables = {
  daily: [
    { day: 1, cases: 10 },
    { day: 2, cases: 20 },
    { day: 3, cases: 30 },
  ],
};
const columns: SimulatedTables = {
  daily: { day: Float64Array.from([3, 1, 2]), cases: Float64Array.from([30, 10, 20]) },
};

describe('aligning simulated and observed tables', () => {
  it('joins exactly on a key, from row tables and column tables alike', () => {
    const spec = { table: 'daily', key: 'day', value: 'cases', join: 'exact' as const };
    expect(exactJoin(rows, spec, [3, 1])).toEqual([30, 10]);
    expect(exactJoin(columns, spec, [3, 1])).toEqual([30, 10]);
  });

  it('normalises keys: numeric strings, ISO dates and Dates meet numbers and epoch ms', () => {
    const t = Date.parse('2025-01-06T00:00:00Z');
    const tables: SimulatedTables = {
      s: [
        { at: new Date(t), v: 1 },
        { at: t + 1000, v: 2 },
      ],
    };
    const spec = { table: 's', key: 'at', value: 'v', join: 'exact' as const };
    expect(exactJoin(tables, spec, [t + 1000, t])).toEqual([2, 1]);
    const observed = observedPoints('x', [{ at: '2025-01-06T00:00:00Z', v: '4' }], { key: 'at', value: 'v' });
    expect(observed).toEqual({ keys: [t], values: [4] });
  });

  it('as-of joins take the last simulated row at or before each observed key, within the tolerance', () => {
    const spec = { table: 'daily', key: 'day', value: 'cases', join: 'asof' as const };
    expect(asofJoin(columns, spec, [1, 2.5, 9])).toEqual([10, 20, 30]);
    expect(() => asofJoin(columns, { ...spec, tolerance: 2 }, [9])).toThrow(/further back than the tolerance 2/);
    expect(() => asofJoin(columns, spec, [0.5])).toThrow(/no row at or before day 0.5/);
  });

  it('fails the trial, naming the table and key, when a simulated table does not fit', () => {
    const spec = { table: 'daily', key: 'day', value: 'cases', join: 'exact' as const };
    expect(() => exactJoin(rows, spec, [4])).toThrow(/table "daily" has no row at day 4/);
    expect(() => exactJoin({}, spec, [1])).toThrow(/returned no table "daily"/);
    expect(() => exactJoin(rows, { ...spec, value: 'deaths' }, [1])).toThrow(
      /has no column "deaths" \(columns: day, cases\)/,
    );
    expect(() => exactJoin({ daily: [{ day: 1, cases: Number.NaN }] }, spec, [1])).toThrow(/is not a finite number/);
    expect(() =>
      exactJoin(
        {
          daily: [
            { day: 1, cases: 1 },
            { day: 1, cases: 2 },
          ],
        },
        spec,
        [1],
      ),
    ).toThrow(/two rows at day 1/);
  });

  it('checks the observed table: missing columns, duplicate keys, counts above their trials', () => {
    expect(() => observedPoints('t', [{ a: 1 }], { key: 'day', value: 'a' })).toThrow(
      /target t: the observed table has no column "day"/,
    );
    expect(() =>
      observedPoints(
        't',
        [
          { d: 1, v: 1 },
          { d: 1, v: 2 },
        ],
        { key: 'd', value: 'v' },
      ),
    ).toThrow(/appears twice/);
    expect(() => observedPoints('t', [{ d: 1, v: 11 }], { key: 'd', value: 'v', trials: 10 })).toThrow(
      /11 successes out of 10/,
    );
    expect(observedPoints('t', [{ d: 1, v: 3, n: 8 }], { key: 'd', value: 'v', trials: 'n' })).toEqual({
      keys: [1],
      values: [3],
      trials: [8],
    });
  });
});

describe('summary statistics', () => {
  const HOUR = 3_600_000;
  // Four days of hourly samples of 10·(1 + 0.5·cos(2π(h − 14)/24)), plus one spike at 5× its value.
  const times = Array.from({ length: 96 }, (_, i) => i * HOUR);
  const values = times.map((t) => 10 * (1 + 0.5 * Math.cos((2 * Math.PI * (((t / HOUR) % 24) - 14)) / 24)));
  values[30] = values[30]! * 5;

  it('computes level, spread, autocorrelation, daily amplitude and burst share', () => {
    const [mean, lag1, amplitude, bursts] = seriesStats(times, values, [
      'mean',
      'lag1',
      'daily_amplitude',
      'burst_fraction',
    ]);
    expect(mean).toBeCloseTo(values.reduce((s, v) => s + v, 0) / 96, 12);
    expect(lag1).toBeGreaterThan(0.5);
    // Hour-of-day means run from 5 (02:00) to 15 (14:00); the spike's hour (06:00) stays inside.
    expect(amplitude).toBeCloseTo(10 / (2 * mean!), 12);
    // Only the spike is above twice its hour's mean.
    expect(bursts).toBeCloseTo(1 / 96, 12);
  });

  it('measures a summary target from a simulated table and from observed rows the same way', () => {
    const table: SimulatedTables = { cpu: { timestamp: Float64Array.from(times), cpu: Float64Array.from(values) } };
    const probe = {
      kind: 'summary' as const,
      name: 's',
      table: 'cpu',
      time: 'timestamp',
      value: 'cpu',
      stats: ['mean' as const, 'p95' as const],
    };
    const observed = observedSummary(
      's',
      times.map((t, i) => ({ ts: new Date(t), v: values[i]! })),
      {
        time: 'ts',
        value: 'v',
        stats: ['mean', 'p95'],
      },
    );
    expect(measure(table, probe)).toEqual(observed.values);
  });
});
