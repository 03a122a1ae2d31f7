/**
 * The smooth daily × weekly load multiplier of a resource, in its local time. Two harmonics give a
 * daytime peak with a shoulder (never a step); weekends blend in through 4-hour smoothstep ramps
 * around Saturday 00:00 and Monday 00:00. The weekly factor is normalised so the profile averages 1
 * over a week: an archetype's level parameter stays its mean whatever its weekend behaviour.
 */
import type { Archetype } from '../archetypes/index.js';

const HOUR_MS = 3_600_000;
const RAMP_DAYS = 4 / 24;
const TWO_PI = 2 * Math.PI;

function smoothstep(x: number): number {
  const c = Math.min(1, Math.max(0, x));
  return c * c * (3 - 2 * c);
}

/** 1 on Saturday and Sunday, 0 Monday–Friday, smooth in between; `u` is days since Monday 00:00. */
export function weekendWeight(u: number): number {
  if (u < 2.5) return 1 - smoothstep(u / RAMP_DAYS + 0.5);
  if (u < 6) return smoothstep((u - 5) / RAMP_DAYS + 0.5);
  return 1 - smoothstep((u - 7) / RAMP_DAYS + 0.5);
}

export class Profile {
  private readonly amplitude: number;
  private readonly second: number;
  private readonly peakHour: number;
  private readonly offsetHours: number;
  private readonly weekendDrop: number;
  private readonly weeklyMean: number;

  constructor(archetype: Archetype, utcOffsetHours: number, peakShiftHours: number) {
    this.amplitude = archetype.daily.amplitude / (1 + archetype.daily.second);
    this.second = archetype.daily.second;
    this.peakHour = archetype.daily.peakHour + peakShiftHours;
    this.offsetHours = utcOffsetHours;
    this.weekendDrop = 1 - archetype.weekendFactor;
    this.weeklyMean = (5 + 2 * archetype.weekendFactor) / 7;
  }

  /** The multiplier at UTC epoch milliseconds `t` (mean 1 over a week, always positive). */
  at(t: number): number {
    const localHours = t / HOUR_MS + this.offsetHours;
    const day = Math.floor(localHours / 24);
    const hour = localHours - day * 24;
    const phase = (TWO_PI * (hour - this.peakHour)) / 24;
    const daily = 1 + this.amplitude * (Math.cos(phase) + this.second * Math.cos(2 * phase));
    // 1970-01-01 was a Thursday: day 0 is 3 days after a Monday.
    const dow = (((day + 3) % 7) + 7) % 7;
    const weekly = 1 - this.weekendDrop * weekendWeight(dow + hour / 24);
    return (daily * weekly) / this.weeklyMean;
  }
}
