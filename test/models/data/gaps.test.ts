import { describe, expect, it } from 'vitest';
import { medianStep, regularize, windowStarts } from '../../../src/models/data/index.js';

describe('regular grids and gap filling', () => {
  it('interpolates a short gap linearly and averages duplicates within a step', () => {
    // Steps of 10; 40 and 50 missing (2 steps ≤ 3: interpolated); two readings at 61 and 59 → step 60.
    const grid = regularize([0, 10, 20, 30, 59, 61, 70], [0, 1, 2, 3, 5, 7, 7]);
    expect(grid.step).toBe(10);
    expect(grid.values).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(Array.from(grid.filled)).toEqual([0, 0, 0, 0, 1, 1, 0, 0]);
    expect(grid.duplicates).toBe(1);
    expect(grid.segments).toEqual([{ start: 0, end: 8 }]);
  });

  it('fills a long gap from one season earlier and breaks the segments there', () => {
    const times = [...Array.from({ length: 8 }, (_, t) => t), ...Array.from({ length: 4 }, (_, t) => 14 + t)];
    const values = times.map((t) => [10, 20, 30, 40][t % 4]!);
    const grid = regularize(times, values, { season: 4 });
    expect(grid.values.slice(8, 14)).toEqual([10, 20, 30, 40, 10, 20]);
    expect(Array.from(grid.filled.slice(7, 15))).toEqual([0, 2, 2, 2, 2, 2, 2, 0]);
    expect(grid.segments).toEqual([
      { start: 0, end: 8 },
      { start: 14, end: 18 },
    ]);
    // Without a season, the last observed value is carried.
    expect(regularize(times, values).values.slice(8, 14)).toEqual(new Array(6).fill(40));
  });

  it('places windows inside one segment and one split, the most recent first', () => {
    const segments = [
      { start: 0, end: 10 },
      { start: 14, end: 30 },
    ];
    const starts = windowStarts(segments, 5, 3, 0, 25);
    expect(starts).toEqual([2, 5, 14, 17, 20]);
    for (const s of starts) expect(segments.some((g) => s >= g.start && s + 5 <= Math.min(g.end, 25))).toBe(true);
    expect(() => windowStarts(segments, 0, 1)).toThrow(/at least 1/);
  });

  it('finds the sampling step and refuses a grid far larger than the data', () => {
    expect(medianStep([0, 300, 600, 1200, 1500])).toBe(300);
    expect(() => regularize([0, 1, 2, 3, 1e9], [1, 2, 3, 4, 5])).toThrow(/would have 1000000001 steps/);
    expect(() => regularize([], [])).toThrow(/non-empty/);
    expect(regularize([5], [2]).values).toEqual([2]);
  });
});
