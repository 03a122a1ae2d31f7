/**
 * The service performance page: what a load sweep measured (mean per user level) beside what the
 * registered performance model predicts over a wider range, with the capacity knee marked.
 *
 * The knee is the operational-law one (facts §4): at low load a closed system's throughput grows as
 * N / (R₀ + Z), at high load it is capped at X_max; the asymptotes cross at N* = X_max / slope₀.
 * Both come from the measured sweep when it reaches saturation, else from the model's curve.
 */

import { existsSync } from 'node:fs';
import type { PerformanceOverview, ServicePerformance } from '../../contracts/dashboard.js';
import { type LoadStepRow, readLoadStepCsv } from '../../models/index.js';
import type { ModelRegistry } from '../../registry/index.js';

const mean = (xs: number[]): number => {
  const finite = xs.filter(Number.isFinite);
  return finite.length ? finite.reduce((a, b) => a + b, 0) / finite.length : Number.NaN;
};
const round = (x: number): number => (Number.isFinite(x) ? Math.round(x * 10_000) / 10_000 : x);

function measuredLevels(rows: LoadStepRow[]): Map<string, ServicePerformance['measured']> {
  const groups = new Map<string, Map<number, LoadStepRow[]>>();
  for (const row of rows) {
    const levels = groups.get(row.service) ?? new Map<number, LoadStepRow[]>();
    levels.set(row.users, [...(levels.get(row.users) ?? []), row]);
    groups.set(row.service, levels);
  }
  const out = new Map<string, ServicePerformance['measured']>();
  for (const [service, levels] of groups) {
    out.set(
      service,
      [...levels.entries()]
        .sort(([a], [b]) => a - b)
        .map(([users, polls]) => ({
          users,
          response_time: round(mean(polls.map((p) => p.responseTime))),
          throughput: round(mean(polls.map((p) => p.throughput))),
          cpu: round(mean(polls.map((p) => p.cpu))),
          polls: polls.length,
        })),
    );
  }
  return out;
}

/** N* where the low-load throughput line meets the saturation level (null when the curve never bends). */
export function kneeUsers(curve: Array<{ users: number; throughput: number }>): number | null {
  const first = curve[0];
  if (!first || first.users <= 0 || first.throughput <= 0) return null;
  const maxThroughput = Math.max(...curve.map((p) => p.throughput));
  const knee = maxThroughput / (first.throughput / first.users);
  const last = curve[curve.length - 1]!;
  return knee < last.users ? round(knee) : null;
}

export async function performanceOverview(
  registry: ModelRegistry,
  options: { csv?: string; model?: string; points?: number },
): Promise<PerformanceOverview> {
  const rows = options.csv && existsSync(options.csv) ? readLoadStepCsv(options.csv) : [];
  const measured = measuredLevels(rows);
  let predictor: Awaited<ReturnType<ModelRegistry['load']>> | undefined;
  if (options.model) {
    try {
      predictor = await registry.load(options.model);
    } catch {
      // No model registered yet: the page shows the measurements alone.
      predictor = undefined;
    }
  }
  const services = new Set([...measured.keys()]);
  const maxUsers = Math.max(1, ...rows.map((r) => r.users));
  const points = options.points ?? 60;
  const out: ServicePerformance[] = [];
  for (const service of [...services].sort()) {
    let predicted: ServicePerformance['predicted'] = [];
    if (predictor) {
      // Three times the measured range: the point of the laws is to extrapolate sanely.
      const grid = Array.from({ length: points }, (_, i) => ((i + 1) / points) * maxUsers * 3);
      const replicas = rows.find((r) => r.service === service)?.replicas;
      const input = grid.map((users) => ({ service, users, ...(replicas === undefined ? {} : { replicas }) }));
      try {
        const result = (await predictor.predictor.predict(input)) as Array<Record<string, number>>;
        predicted = result.map((p, i) => ({
          users: round(grid[i]!),
          response_time: round(Number(p.response_time)),
          throughput: round(Number(p.throughput)),
          cpu: round(Number(p.cpu)),
        }));
      } catch {
        // The model does not know this service: measured points only.
        predicted = [];
      }
    }
    out.push({
      service,
      measured: measured.get(service) ?? [],
      predicted,
      // The measured sweep shows the bend when it crosses saturation; the model's curve is the
      // fallback for sweeps that stop short of it.
      knee_users: kneeUsers(measured.get(service) ?? []) ?? kneeUsers(predicted),
      max_throughput: predicted.length ? round(Math.max(...predicted.map((p) => p.throughput))) : null,
    });
  }
  return {
    source: options.csv && existsSync(options.csv) ? options.csv : null,
    model: predictor ? `${predictor.version.name}:${predictor.version.version}` : (options.model ?? null),
    model_version: predictor?.version.version ?? null,
    services: out,
  };
}
