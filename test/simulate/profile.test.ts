import { describe, expect, it } from 'vitest';
import { Profile, weekendWeight } from '../../src/simulate/generator/profile.js';
import { ARCHETYPES, findArchetype } from '../../src/simulate/index.js';

const MONDAY = Date.UTC(2025, 0, 6);
const HOUR = 3_600_000;

describe('daily and weekly profile', () => {
  it('is smooth: no step between consecutive 5-minute samples', () => {
    for (const a of ARCHETYPES) {
      const profile = new Profile(a, -5, 0);
      let previous = profile.at(MONDAY);
      let lowest = previous;
      let largestStep = 0;
      for (let t = MONDAY + 300_000; t < MONDAY + 14 * 24 * HOUR; t += 300_000) {
        const value = profile.at(t);
        lowest = Math.min(lowest, value);
        largestStep = Math.max(largestStep, Math.abs(value - previous));
        previous = value;
      }
      expect(lowest, a.key).toBeGreaterThan(0);
      expect(largestStep, a.key).toBeLessThan(0.06);
    }
  });

  it('averages 1 over a week, so an archetype level stays its mean', () => {
    for (const a of ARCHETYPES) {
      const profile = new Profile(a, 3, 0.5);
      let sum = 0;
      let n = 0;
      for (let t = MONDAY; t < MONDAY + 7 * 24 * HOUR; t += 60_000) {
        sum += profile.at(t);
        n++;
      }
      expect(sum / n, a.key).toBeCloseTo(1, 2);
    }
  });

  it('peaks at the archetype hour in the resource local time zone', () => {
    const web = findArchetype('web');
    if (!web) throw new Error('web archetype missing');
    const peakUtcHour = (offset: number): number => {
      const profile = new Profile(web, offset, 0);
      let best = 0;
      let bestValue = -1;
      for (let h = 0; h < 24; h += 0.25) {
        const v = profile.at(MONDAY + 24 * HOUR + h * HOUR);
        if (v > bestValue) {
          bestValue = v;
          best = h;
        }
      }
      return best;
    };
    expect(peakUtcHour(0)).toBeCloseTo(web.daily.peakHour, 0);
    expect((peakUtcHour(-5) - peakUtcHour(0) + 24) % 24).toBeCloseTo(5, 0);
  });

  it('blends weekends in continuously, lower on Saturday than on Wednesday', () => {
    expect(weekendWeight(2)).toBe(0);
    expect(weekendWeight(5.5)).toBe(1);
    expect(weekendWeight(5)).toBeCloseTo(0.5, 6);
    for (let u = 0; u < 7; u += 0.01) expect(Math.abs(weekendWeight(u + 0.01) - weekendWeight(u))).toBeLessThan(0.1);
    const dev = findArchetype('dev');
    if (!dev) throw new Error('dev archetype missing');
    const profile = new Profile(dev, 0, 0);
    expect(profile.at(MONDAY + (5 * 24 + 15) * HOUR)).toBeLessThan(profile.at(MONDAY + (2 * 24 + 15) * HOUR) / 2);
  });
});
