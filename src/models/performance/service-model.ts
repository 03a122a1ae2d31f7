/**
 * One service's performance model: (users, replicas, CPU request) → (response time, throughput, CPU).
 *
 * Inside the trained load range it interpolates smoothed per-level medians (throughput through its
 * per-user rate, which the closed-loop law makes nearly flat). Outside that range it switches to the
 * laws of `laws.ts`, anchored at the edge level so the two parts meet: throughput ∝ users at the
 * edge's per-user rate, CPU = edge CPU + demand·Δthroughput + idle-per-replica·Δreplicas, and the
 * response time of the edge level. When the run stepped past the knee (`saturation.ts`), above the
 * range throughput stays at the saturated value and response time grows along its saturated slope.
 */
import { median } from '../data/aggregate.js';
import type { LevelSummary, LoadStepRow, ServiceLevels } from '../data/types.js';
import { type CpuLaw, fitCpuLaw } from './laws.js';
import { detectSaturation, type Saturation } from './saturation.js';
import { chooseNeighbours, interpolate, type Knot, type Level, smoothLevels } from './smoothing.js';

export interface ServiceModelParams {
  service: string;
  /** Training user levels, ascending. */
  users: number[];
  /** Smoothed values at those levels. */
  responseTime: number[];
  /** Throughput per user (req/s per user). */
  throughputPerUser: number[];
  cpu: number[];
  /** Median replicas at each training level, when the data records replicas. */
  replicas?: number[];
  /** The CPU request seen in training (the kpp runs never vary it, so it has no learnt effect). */
  cpuRequest?: number;
  /** Neighbour counts chosen by cross-validation per target. */
  neighbours: { responseTime: number; throughput: number; cpu: number };
  cpuLaw: CpuLaw;
  /** Present when the top training levels are past the knee (absent in models saved before it existed). */
  saturation?: Saturation;
}

export interface PerformanceInput {
  service: string;
  users: number;
  replicas?: number;
  cpuRequest?: number;
}

export interface PerformanceOutput {
  service: string;
  users: number;
  responseTime: number;
  throughput: number;
  cpu: number;
}

function knotsOf(users: readonly number[], values: readonly number[]): Knot[] {
  return users.map((x, i) => ({ x, y: values[i]! }));
}

/** Cross-validation leaves out blocks of this many consecutive levels (the size of the published gap). */
const CV_BLOCK = 5;

/** Fits one service from its training rows grouped by level (and their median summaries). */
export function fitServiceModel(group: ServiceLevels, summaries: readonly LevelSummary[]): ServiceModelParams {
  const users = summaries.map((s) => s.users);
  const rowsOf = (i: number) => group.levels[i]!.rows;

  const levelsOf = (pick: (r: LoadStepRow) => number): Level[] =>
    users.map((x, i) => ({ x, rows: rowsOf(i).map(pick) }));
  // Throughput through its per-user rate, which the closed-loop law makes nearly flat in users.
  const targets = {
    responseTime: levelsOf((r) => r.responseTime),
    throughput: levelsOf((r) => r.throughput / r.users),
    cpu: levelsOf((r) => r.cpu),
  };
  const neighbours = {
    responseTime: chooseNeighbours(targets.responseTime, CV_BLOCK),
    throughput: chooseNeighbours(targets.throughput, CV_BLOCK),
    cpu: chooseNeighbours(targets.cpu, CV_BLOCK),
  };
  const hasReplicas = summaries.every((s) => s.replicas !== undefined);
  const cpuLaw = fitCpuLaw(
    summaries.map((s) => ({ throughput: s.throughput, replicas: s.replicas ?? 1, cpu: s.cpu })),
    hasReplicas,
  );
  const params: ServiceModelParams = {
    service: group.service,
    users,
    responseTime: smoothLevels(targets.responseTime, neighbours.responseTime),
    throughputPerUser: smoothLevels(targets.throughput, neighbours.throughput),
    cpu: smoothLevels(targets.cpu, neighbours.cpu),
    neighbours,
    cpuLaw,
  };
  const saturation = detectSaturation(summaries);
  if (saturation) params.saturation = saturation;
  if (hasReplicas) params.replicas = summaries.map((s) => s.replicas!);
  const requests = summaries.map((s) => s.cpuRequest).filter((v): v is number => v !== undefined);
  if (requests.length > 0) params.cpuRequest = median(requests);
  return params;
}

/** A floor so that no prediction is zero or negative (MAPE and the laws need positive values). */
function floorOf(values: readonly number[]): number {
  const positive = values.filter((v) => v > 0);
  return positive.length === 0 ? 1e-9 : Math.min(...positive) * 0.01;
}

export function predictService(params: ServiceModelParams, input: PerformanceInput): PerformanceOutput {
  const { users } = input;
  const lo = params.users[0]!;
  const hi = params.users[params.users.length - 1]!;
  const rt = knotsOf(params.users, params.responseTime);
  const rate = knotsOf(params.users, params.throughputPerUser);
  const cpu = knotsOf(params.users, params.cpu);
  // Inside the range these are interpolations; outside they hold the edge value, and the laws
  // below carry the change in load.
  const edgeUsers = Math.min(Math.max(users, lo), hi);
  const edgeThroughput = edgeUsers * interpolate(rate, edgeUsers);
  const saturated = params.saturation !== undefined && users > hi;
  const responseTime =
    interpolate(rt, edgeUsers) + (saturated ? params.saturation!.responseTimeSlope * (users - hi) : 0);
  // Saturated: hold the edge's own smoothed throughput (not the saturated levels' median) so the
  // curve stays continuous where interpolation hands over to the law.
  const throughput = saturated ? edgeThroughput : users * interpolate(rate, edgeUsers);
  let cpuValue = interpolate(cpu, edgeUsers) + params.cpuLaw.demand * (throughput - edgeThroughput);
  if (params.replicas && input.replicas !== undefined) {
    const trainedReplicas = interpolate(knotsOf(params.users, params.replicas), edgeUsers);
    cpuValue += params.cpuLaw.perReplica * (input.replicas - trainedReplicas);
  }
  return {
    service: params.service,
    users,
    responseTime: Math.max(responseTime, floorOf(params.responseTime)),
    throughput: Math.max(throughput, 0),
    cpu: Math.max(cpuValue, floorOf(params.cpu)),
  };
}
