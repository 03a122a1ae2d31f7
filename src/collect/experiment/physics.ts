/**
 * The closed-loop check (facts §4): with N users each thinking Z between an answer and the next
 * request, throughput X and response time R of the service they call obey N = X·(R + Z). Measured
 * data that breaks it by more than noise was measured wrong (double-counted requests, a window
 * spanning two levels, …). Throughput also cannot exceed the bottleneck's capacity.
 */
import type { CollectedRow } from './outputs.js';

export interface LevelPhysics {
  users: number;
  polls: number;
  /** Means over the level's polls of the entry service. */
  throughput: number;
  response_time: number;
  /** X·(R + Z): the users the measurements imply. */
  implied_users: number;
  error_pct: number;
}

export interface PhysicsReport {
  entry_service: string;
  think_time_s: number;
  levels: LevelPhysics[];
  /** Worst per-level |X·(R+Z) − N| / N, percent. */
  max_error_pct: number;
  capacity_rps?: number;
  /** Highest level's throughput, and how far it is from the capacity (percent). */
  saturation_throughput_rps?: number;
  saturation_error_pct?: number;
}

const round = (value: number, digits = 3) => Number(value.toFixed(digits));

function mean(values: number[]): number {
  const finite = values.filter(Number.isFinite);
  return finite.length === 0 ? Number.NaN : finite.reduce((a, b) => a + b, 0) / finite.length;
}

/** The check over every level with users > 0; `capacity` adds the saturation figures. */
export function closedLoopCheck(
  rows: readonly CollectedRow[],
  entryService: string,
  thinkTime: number,
  capacity?: number,
): PhysicsReport {
  const byUsers = new Map<number, CollectedRow[]>();
  for (const row of rows) {
    if (row.service !== entryService || row.users <= 0) continue;
    const level = byUsers.get(row.users);
    if (level) level.push(row);
    else byUsers.set(row.users, [row]);
  }
  const levels: LevelPhysics[] = [...byUsers]
    .sort(([a], [b]) => a - b)
    .map(([users, polls]) => {
      const throughput = mean(polls.map((p) => p.values.throughput ?? Number.NaN));
      const responseTime = mean(polls.map((p) => p.values.response_time ?? Number.NaN));
      const implied = throughput * (responseTime + thinkTime);
      return {
        users,
        polls: polls.length,
        throughput: round(throughput),
        response_time: round(responseTime, 4),
        implied_users: round(implied),
        error_pct: round((Math.abs(implied - users) / users) * 100, 2),
      };
    });
  const errors = levels.map((l) => l.error_pct);
  const report: PhysicsReport = {
    entry_service: entryService,
    think_time_s: thinkTime,
    levels,
    max_error_pct: errors.length === 0 || errors.some(Number.isNaN) ? Number.NaN : Math.max(...errors),
  };
  if (capacity !== undefined && levels.length > 0) {
    const top = levels[levels.length - 1]!;
    report.capacity_rps = round(capacity);
    report.saturation_throughput_rps = top.throughput;
    report.saturation_error_pct = round((Math.abs(top.throughput - capacity) / capacity) * 100, 2);
  }
  return report;
}
