/**
 * Prediction-vs-truth figures for performance models: one SVG per service with response time,
 * throughput and CPU against users; training and test polls as dots, the model as a line over the
 * whole load range (so the switch from interpolation to the laws is visible).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeFolderSync } from '../../core/folders.js';
import type { LoadStepRow } from '../data/types.js';
import type { PerformanceModel } from '../performance/model.js';
import { type Panel, panelsSvg } from './svg.js';

const STEPS = 120;

/** A file-system-safe name for a service (service names come from data). */
const fileName = (service: string): string => `${service.replace(/[^A-Za-z0-9._-]/g, '_')}.svg`;

export function performancePlotSvg(
  model: PerformanceModel,
  service: string,
  train: readonly LoadStepRow[],
  test: readonly LoadStepRow[],
): string {
  const mine = (rows: readonly LoadStepRow[]) => rows.filter((r) => r.service === service);
  const ownTrain = mine(train);
  const ownTest = mine(test);
  const users = [...ownTrain, ...ownTest].map((r) => r.users);
  const lo = Math.min(...users);
  const hi = Math.max(...users);
  // The test run may use other replica counts (the kpp overload run: 1 each); draw the line with
  // the test's replicas where there are test rows, since that is what was scored.
  const replicasAt = (u: number): number | undefined => {
    const source = ownTest.length > 0 ? ownTest : ownTrain;
    const nearest = source.reduce(
      (best, r) => (Math.abs(r.users - u) < Math.abs(best.users - u) ? r : best),
      source[0]!,
    );
    return nearest.replicas;
  };
  const grid = Array.from({ length: STEPS + 1 }, (_, i) => lo + ((hi - lo) * i) / STEPS);
  const predicted = model.predict(
    grid.map((u) => {
      const replicas = replicasAt(u);
      return { service, users: u, ...(replicas !== undefined ? { replicas } : {}) };
    }),
  );
  const panel = (
    title: string,
    yLabel: string,
    pick: (r: { responseTime: number; throughput: number; cpu: number }) => number,
  ): Panel => ({
    title,
    xLabel: 'users',
    yLabel,
    points: [
      ...ownTrain.map((r) => ({ x: r.users, y: pick(r), group: 'train' as const })),
      ...ownTest.map((r) => ({ x: r.users, y: pick(r), group: 'test' as const })),
    ],
    line: predicted.map((p, i) => ({ x: grid[i]!, y: pick(p) })),
  });
  return panelsSvg(service, [
    panel('response time', 'seconds', (r) => r.responseTime),
    panel('throughput', 'requests/s (as counted)', (r) => r.throughput),
    panel('CPU', 'cores', (r) => r.cpu),
  ]);
}

/** Writes one SVG per service into `dir` and returns their paths. */
export function writePerformancePlots(
  dir: string,
  model: PerformanceModel,
  train: readonly LoadStepRow[],
  test: readonly LoadStepRow[],
): string[] {
  makeFolderSync(dir);
  return model.services.map((service) => {
    const path = join(dir, fileName(service));
    writeFileSync(path, performancePlotSvg(model, service, train, test));
    return path;
  });
}
