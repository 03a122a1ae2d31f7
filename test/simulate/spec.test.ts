import { describe, expect, it } from 'vitest';
import { isFleetcastError } from '../../src/core/index.js';
import {
  type FleetOptions,
  parseInterval,
  parseMix,
  resolveFleetSpec,
  simulateFleet,
} from '../../src/simulate/index.js';

const base: FleetOptions = { fleet: 10, days: 1, interval: '5m', seed: 1 };

function rejects(options: Partial<FleetOptions>, message: RegExp): void {
  let caught: unknown;
  try {
    resolveFleetSpec({ ...base, ...options } as FleetOptions);
  } catch (error) {
    caught = error;
  }
  expect(isFleetcastError(caught, 'FLEETCAST_INVALID_ARGUMENT')).toBe(true);
  expect((caught as Error).message).toMatch(message);
  expect((caught as { hint?: string }).hint).toBeTruthy();
}

describe('fleet request checks', () => {
  it('reads intervals from 1s to 1d in every unit', () => {
    expect(parseInterval('5m')).toBe(300_000);
    expect(parseInterval('1s')).toBe(1000);
    expect(parseInterval('1.5h')).toBe(5_400_000);
    expect(parseInterval('1d')).toBe(86_400_000);
    expect(parseInterval(30)).toBe(30_000);
    expect(parseInterval('90')).toBe(90_000);
  });

  it('rejects an interval that is zero, negative, unreadable or outside 1s … 1d', () => {
    rejects({ interval: '0s' }, /positive/);
    rejects({ interval: '-5m' }, /positive/);
    rejects({ interval: 'fast' }, /cannot read the interval/);
    rejects({ interval: '2d' }, /outside 1s … 1d/);
    rejects({ interval: '500ms' }, /outside 1s … 1d/);
  });

  it('rejects an unknown archetype and names the known ones', () => {
    rejects({ mix: 'web=50,mainframe=50' }, /unknown archetype "mainframe"/);
  });

  it('rejects a mix that does not sum to 100 percent or to 1', () => {
    rejects({ mix: 'web=30,batch=30' }, /the mix sums to 60/);
    rejects({ mix: 'web=80,batch=80' }, /the mix sums to 160/);
    rejects({ mix: 'web=-10,batch=110' }, /must be a number ≥ 0/);
    rejects({ mix: 'web=50,web=50' }, /appears twice/);
    rejects({ mix: 'web:50' }, /cannot read/);
  });

  it('accepts percentages or fractions and normalises them to shares', () => {
    expect(parseMix('web=30,batch=70')).toEqual({ web: 0.3, batch: 0.7 });
    expect(parseMix({ web: 0.25, oltp: 0.75 })).toEqual({ web: 0.25, oltp: 0.75 });
  });

  it('rejects an end before the start and a non-positive number of days', () => {
    rejects(
      { days: undefined, start: '2025-02-01T00:00:00Z', end: '2025-01-01T00:00:00Z' },
      /end is not after the start/,
    );
    rejects({ days: 0 }, /end is not after the start/);
    rejects({ days: -3 }, /end is not after the start/);
    rejects({ days: 1, end: '2025-03-01T00:00:00Z' }, /either days or an end/);
    rejects({ start: 'yesterday' }, /cannot read the start time/);
  });

  it('rejects absurd sizes before any work', () => {
    rejects({ fleet: 0 }, /fleet size/);
    rejects({ fleet: 2.5 }, /fleet size/);
    rejects({ fleet: 5_000_000 }, /fleet size/);
    rejects({ days: 5000 }, /more than ten years/);
    rejects({ fleet: 1_000_000, days: 3650, interval: '1s' }, /rows is more than/);
    rejects({ days: 0.0001, interval: '1h' }, /shorter than one interval/);
  });

  it('rejects seeds that are not whole numbers in 0 … 2^64 − 1, and accepts the extremes', () => {
    rejects({ seed: -1 }, /outside/);
    rejects({ seed: '1.5' }, /not a whole number/);
    rejects({ seed: '18446744073709551616' }, /outside/);
    expect(resolveFleetSpec({ ...base, seed: '18446744073709551615' }).seed).toBe((1n << 64n) - 1n);
    expect(resolveFleetSpec({ ...base, seed: 0 }).seed).toBe(0n);
  });

  it('counts rows per resource from the range and the interval', () => {
    const spec = resolveFleetSpec({ ...base, days: 7, interval: '5m' });
    expect(spec.rowsPerResource).toBe(2016);
    expect(
      resolveFleetSpec({ ...base, days: undefined, end: '2025-01-06T01:00:00Z', interval: '1s' }).rowsPerResource,
    ).toBe(3600);
  });
});

describe('stream options', () => {
  it('rejects a batch size that is not a whole number ≥ 1 before generating anything', () => {
    const spec = resolveFleetSpec(base);
    expect(() => simulateFleet(spec, { batchRows: 0 }).next()).toThrow(/batch size/);
    expect(() => simulateFleet(spec, { batchRows: Number.NaN }).next()).toThrow(/batch size/);
  });
});
