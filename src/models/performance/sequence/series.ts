/**
 * The polls of one service as a sequence, with the evaluation split of the original kpp study's GRU
 * (kube-performance-predictor, `PerformancesDataPipeline._stratified_split`): within each user
 * level, the polls in time order, the first 80 % train and the last 20 % test (21 polls → 16 + 5).
 * Its model saw the test rows when it chose its best epoch; here a validation split is carved from
 * the training rows instead: the training polls of every fifth user level (indices 2, 7, 12, …).
 * Whole levels, not the chronological tail: the kpp levels ascend in time, so a tail would hold only
 * the highest loads and early stopping would measure an extrapolation that no test target asks for.
 *
 * The four inputs per poll are the original's: users, response time, throughput, CPU. A missing
 * measurement (`nan` in the CSV) is carried forward from the service's previous poll as an input
 * (the original filled forward, then backward, the same way), but a poll with a missing measurement
 * is never a target. Polls further apart than 1.5× the service's median step lie in different
 * segments, and no window crosses a segment boundary (on kpp: the warm-up pause between levels).
 */
import { FleetcastError } from '../../../core/errors.js';
import { aggregateDuplicates } from '../../data/aggregate.js';
import type { LoadStepRow } from '../../data/types.js';

/** Inputs per poll, in this order. */
export const SEQUENCE_INPUTS = ['users', 'response_time', 'throughput', 'cpu'] as const;
/** Targets (the next poll's measurements), in this order: inputs 1…3. */
export const SEQUENCE_TARGETS = ['response_time', 'throughput', 'cpu'] as const;
export const INPUT_COUNT = SEQUENCE_INPUTS.length;
export const TARGET_COUNT = SEQUENCE_TARGETS.length;

export const ROLE = { train: 0, validation: 1, test: 2 } as const;

export interface SplitOptions {
  /** Share of each level's polls (the last ones in time) held out for testing. */
  testFraction: number;
  /** Every `validationEvery`-th user level (from index 2) gives its training polls to validation. */
  validationEvery: number;
}

export const ORIGINAL_SPLIT: SplitOptions = { testFraction: 0.2, validationEvery: 5 };

export interface ServiceSeries {
  service: string;
  length: number;
  timestamps: number[];
  /** [length × INPUT_COUNT], missing measurements carried forward. */
  features: Float64Array;
  /** 1 where all three measurements of the poll were observed (only those are targets). */
  observed: Uint8Array;
  /** Gap-free segment of each poll. */
  segment: Int32Array;
  /** ROLE of each poll. */
  role: Uint8Array;
}

/** Median of the positive steps between consecutive timestamps (NaN with fewer than two polls). */
function medianStep(timestamps: readonly number[]): number {
  const steps: number[] = [];
  for (let i = 1; i < timestamps.length; i++) {
    const step = timestamps[i]! - timestamps[i - 1]!;
    if (step > 0) steps.push(step);
  }
  steps.sort((a, b) => a - b);
  return steps.length === 0 ? Number.NaN : steps[Math.floor(steps.length / 2)]!;
}

/** Roles per poll: per level the last `testFraction` of its polls test, validation levels carved. */
function assignRoles(users: readonly number[], split: SplitOptions): Uint8Array {
  const role = new Uint8Array(users.length);
  const byLevel = new Map<number, number[]>();
  users.forEach((u, i) => {
    const list = byLevel.get(u);
    if (list) list.push(i);
    else byLevel.set(u, [i]);
  });
  const levels = [...byLevel.keys()].sort((a, b) => a - b);
  levels.forEach((level, k) => {
    const polls = byLevel.get(level)!;
    // floor, as the original's int(len * 0.8): 21 polls → 16 training, 5 test.
    const training = Math.floor(polls.length * (1 - split.testFraction) + 1e-9);
    const validation = levels.length >= 3 && k % split.validationEvery === Math.min(2, split.validationEvery - 1);
    polls.forEach((i, p) => {
      role[i] = p >= training ? ROLE.test : validation ? ROLE.validation : ROLE.train;
    });
  });
  return role;
}

/** One `ServiceSeries` per service, sorted by name; duplicates of a poll merged first. */
export function serviceSeries(
  rows: readonly LoadStepRow[],
  options: { bucketSeconds?: number; split?: SplitOptions } = {},
): ServiceSeries[] {
  const split = options.split ?? ORIGINAL_SPLIT;
  const clean = aggregateDuplicates(rows, options.bucketSeconds ?? 60);
  const byService = new Map<string, LoadStepRow[]>();
  for (const row of clean) {
    const list = byService.get(row.service);
    if (list) list.push(row);
    else byService.set(row.service, [row]);
  }
  return [...byService.keys()].sort().map((service) => {
    // aggregateDuplicates orders by time; stable sort keeps two levels in one bucket in input order.
    const polls = byService.get(service)!;
    const n = polls.length;
    const features = new Float64Array(n * INPUT_COUNT);
    const observed = new Uint8Array(n);
    const last = [Number.NaN, Number.NaN, Number.NaN];
    polls.forEach((poll, i) => {
      const measured = [poll.responseTime, poll.throughput, poll.cpu];
      observed[i] = measured.every(Number.isFinite) ? 1 : 0;
      features[i * INPUT_COUNT] = poll.users;
      measured.forEach((value, j) => {
        if (Number.isFinite(value)) last[j] = value;
        features[i * INPUT_COUNT + 1 + j] = last[j]!;
      });
    });
    // Back-fill leading gaps from the first observed value; a column never observed is an error.
    for (let j = 1; j < INPUT_COUNT; j++) {
      let first = -1;
      for (let i = 0; i < n && first < 0; i++) if (Number.isFinite(features[i * INPUT_COUNT + j]!)) first = i;
      if (first < 0) {
        throw new FleetcastError(
          'FLEETCAST_INVALID_ARGUMENT',
          `service ${service}: "${SEQUENCE_INPUTS[j]}" is missing in every poll`,
          { hint: 'a sequence model needs each measurement observed at least once per service' },
        );
      }
      for (let i = 0; i < first; i++) features[i * INPUT_COUNT + j] = features[first * INPUT_COUNT + j]!;
    }
    const timestamps = polls.map((p) => p.timestamp);
    const step = medianStep(timestamps);
    const segment = new Int32Array(n);
    for (let i = 1; i < n; i++) {
      const gap = timestamps[i]! - timestamps[i - 1]!;
      segment[i] = segment[i - 1]! + (gap > 1.5 * step ? 1 : 0);
    }
    const role = assignRoles(
      polls.map((p) => p.users),
      split,
    );
    return { service, length: n, timestamps, features, observed, segment, role };
  });
}
