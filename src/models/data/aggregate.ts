/**
 * Cleaning steps between the CSV and a model: timestamps rounded to a bucket, duplicate polls merged,
 * and the per-service, per-level grouping the performance task works on.
 */
import { FleetcastError } from '../../core/errors.js';
import { type LevelSummary, type LoadStepRow, type ServiceLevels, TARGETS, type Target } from './types.js';

/** Median of the finite values; NaN when none is finite (the caller decides whether that is fatal). */
export function median(values: readonly number[]): number {
  const finite = values.filter(Number.isFinite).sort((a, b) => a - b);
  const n = finite.length;
  if (n === 0) return Number.NaN;
  const mid = Math.floor(n / 2);
  return n % 2 === 1 ? finite[mid]! : (finite[mid - 1]! + finite[mid]!) / 2;
}

/**
 * The value minimising the mean absolute percentage error over `values`: the median weighted by
 * 1/|y|. Measurement noise here is skewed upwards (stalls, bursts), so this sits a little below the
 * plain median, and it is the right level summary when MAPE is the score. Non-finite and zero
 * values are ignored; NaN when none is left.
 */
export function mapeCentre(values: readonly number[]): number {
  const usable = values.filter((v) => Number.isFinite(v) && v !== 0).sort((a, b) => a - b);
  if (usable.length === 0) return Number.NaN;
  const total = usable.reduce((sum, v) => sum + 1 / Math.abs(v), 0);
  let running = 0;
  for (const v of usable) {
    running += 1 / Math.abs(v);
    if (running >= total / 2) return v;
  }
  return usable[usable.length - 1]!;
}

function meanFinite(values: readonly number[]): number {
  const finite = values.filter(Number.isFinite);
  return finite.length === 0 ? Number.NaN : finite.reduce((a, b) => a + b, 0) / finite.length;
}

function meanOptional(values: ReadonlyArray<number | undefined>): number | undefined {
  const present = values.filter((v): v is number => v !== undefined);
  return present.length === 0 ? undefined : meanFinite(present);
}

/**
 * Rounds timestamps to `bucketSeconds` and merges rows of the same (bucket, service, user level)
 * into one: measurements are averaged over their finite values (a missing one stays missing only
 * when every duplicate misses it). The user level is part of the key so that merging never invents a
 * load level between two steps. Output is ordered by time, then service.
 */
export function aggregateDuplicates(rows: readonly LoadStepRow[], bucketSeconds = 60): LoadStepRow[] {
  if (!(bucketSeconds > 0)) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `bucket must be positive, got ${bucketSeconds}`, {
      hint: 'use the polling interval, e.g. 60 seconds',
    });
  }
  const groups = new Map<string, LoadStepRow[]>();
  for (const row of rows) {
    const bucket = Math.round(row.timestamp / bucketSeconds) * bucketSeconds;
    const key = `${bucket}\u0000${row.service}\u0000${row.users}`;
    const group = groups.get(key);
    if (group) group.push({ ...row, timestamp: bucket });
    else groups.set(key, [{ ...row, timestamp: bucket }]);
  }
  const merged: LoadStepRow[] = [];
  for (const group of groups.values()) {
    const first = group[0]!;
    if (group.length === 1) {
      merged.push(first);
      continue;
    }
    const row: LoadStepRow = {
      timestamp: first.timestamp,
      service: first.service,
      users: first.users,
      responseTime: meanFinite(group.map((r) => r.responseTime)),
      throughput: meanFinite(group.map((r) => r.throughput)),
      cpu: meanFinite(group.map((r) => r.cpu)),
    };
    const replicas = meanOptional(group.map((r) => r.replicas));
    const cpuRequest = meanOptional(group.map((r) => r.cpuRequest));
    if (replicas !== undefined) row.replicas = replicas;
    if (cpuRequest !== undefined) row.cpuRequest = cpuRequest;
    merged.push(row);
  }
  return merged.sort((a, b) => a.timestamp - b.timestamp || a.service.localeCompare(b.service));
}

/** Sorted distinct user levels of the rows. */
export function userLevels(rows: readonly LoadStepRow[]): number[] {
  return [...new Set(rows.map((r) => r.users))].sort((a, b) => a - b);
}

/**
 * Groups rows per service and user level. A load-step run measures every service at every level,
 * so a service missing from a level is a broken export: the error names the service and levels.
 */
export function groupByServiceLevel(rows: readonly LoadStepRow[], source = 'input'): ServiceLevels[] {
  const levels = userLevels(rows);
  const byService = new Map<string, Map<number, LoadStepRow[]>>();
  for (const row of rows) {
    let service = byService.get(row.service);
    if (!service) {
      service = new Map();
      byService.set(row.service, service);
    }
    const level = service.get(row.users);
    if (level) level.push(row);
    else service.set(row.users, [row]);
  }
  const result: ServiceLevels[] = [];
  for (const [service, byLevel] of [...byService].sort(([a], [b]) => a.localeCompare(b))) {
    const absent = levels.filter((users) => !byLevel.has(users));
    if (absent.length > 0) {
      throw new FleetcastError(
        'FLEETCAST_INVALID_ARGUMENT',
        `${source}: service ${service} has no rows at user level(s) ${absent.join(', ')} (other services do)`,
        {
          hint: 'every service must be measured at every load step; re-export the run or drop the incomplete level',
          details: { service, levels: absent },
        },
      );
    }
    result.push({ service, levels: levels.map((users) => ({ users, rows: byLevel.get(users)! })) });
  }
  return result;
}

const TARGET_COLUMN: Record<Target, string> = {
  responseTime: 'Response Time (s)',
  throughput: 'Throughput (req/s)',
  cpu: 'CPU Usage',
};

/**
 * Medians per level of one service. Medians, not means: one stalled poll must not move a level, and
 * a median is what MAPE rewards. A level whose target has no finite value cannot be learnt from:
 * the error says which.
 */
export function summarizeLevels(group: ServiceLevels, source = 'input'): LevelSummary[] {
  return group.levels.map(({ users, rows }) => {
    const summary: LevelSummary = {
      users,
      responseTime: median(rows.map((r) => r.responseTime)),
      throughput: median(rows.map((r) => r.throughput)),
      cpu: median(rows.map((r) => r.cpu)),
      count: rows.length,
    };
    for (const target of TARGETS) {
      if (!Number.isFinite(summary[target])) {
        throw new FleetcastError(
          'FLEETCAST_INVALID_ARGUMENT',
          `${source}: service ${group.service} has no finite "${TARGET_COLUMN[target]}" at user level ${users}`,
          {
            hint: 'a training level needs at least one measured poll per target',
            details: { service: group.service, users },
          },
        );
      }
    }
    const replicas = rows.map((r) => r.replicas).filter((v): v is number => v !== undefined);
    const requests = rows.map((r) => r.cpuRequest).filter((v): v is number => v !== undefined);
    if (replicas.length > 0) summary.replicas = median(replicas);
    if (requests.length > 0) summary.cpuRequest = median(requests);
    return summary;
  });
}
