import {
  type FleetOptions,
  type MetricBatch,
  type ResourceSummary,
  resolveFleetSpec,
  simulateFleet,
} from '../../src/simulate/index.js';

export interface CollectedResource {
  summary: ResourceSummary;
  timestampMs: number[];
  cpu: number[];
  memory: number[];
  networkIn: number[];
  networkOut: number[];
  diskIops: number[];
  isIdle: number[];
  anomaly: number[];
}

/** A small fleet's resources with their whole series as plain arrays (tests only: small fleets). */
export function collect(options: FleetOptions): CollectedResource[] {
  const resources: CollectedResource[] = [];
  for (const output of simulateFleet(resolveFleetSpec(options))) {
    const r: CollectedResource = {
      summary: output.summary,
      timestampMs: [],
      cpu: [],
      memory: [],
      networkIn: [],
      networkOut: [],
      diskIops: [],
      isIdle: [],
      anomaly: [],
    };
    for (const batch of output.batches) append(r, batch);
    resources.push(r);
  }
  return resources;
}

function append(r: CollectedResource, b: MetricBatch): void {
  r.timestampMs.push(...b.timestampMs);
  r.cpu.push(...b.cpu);
  r.memory.push(...b.memory);
  r.networkIn.push(...b.networkIn);
  r.networkOut.push(...b.networkOut);
  r.diskIops.push(...b.diskIops);
  r.isIdle.push(...b.isIdle);
  r.anomaly.push(...b.anomaly);
}

export function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

export function pearson(a: readonly number[], b: readonly number[]): number {
  const ma = mean(a);
  const mb = mean(b);
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = (a[i] ?? 0) - ma;
    const y = (b[i] ?? 0) - mb;
    ab += x * y;
    aa += x * x;
    bb += y * y;
  }
  return ab / Math.sqrt(aa * bb);
}

export function lag1(values: readonly number[]): number {
  return pearson(values.slice(1), values.slice(0, -1));
}
