/**
 * Regular time grids for forecasting: timestamps rounded to a step, duplicates in a step averaged,
 * and missing steps filled by a stated rule, with every filled step remembered so that sequence
 * models never train on a window that crosses a long gap.
 *
 * The rule: a gap of at most `maxInterpolate` missing steps (default 3) is filled by linear
 * interpolation between its neighbours — a few missed scrapes of a smooth metric. A longer gap is
 * filled with the value one season earlier (the last observed value when there is no season, or when
 * the season-earlier value is itself missing), so statistical forecasters get a complete series, and
 * it is marked as a break: `segments` lists the runs of real or interpolated data between long gaps,
 * and `windowStarts` only places windows inside one segment.
 */
import { FleetcastError } from '../../core/errors.js';

export interface RegularSeries {
  /** Start of the grid (same unit as the input times). */
  start: number;
  step: number;
  /** One value per step, gaps filled. */
  values: number[];
  /** 0 observed, 1 interpolated (short gap), 2 filled across a long gap. */
  filled: Uint8Array;
  /** Half-open index ranges [start, end) holding no long-gap fill: where sequence windows may lie. */
  segments: Array<{ start: number; end: number }>;
  /** Observations merged into a step already holding one. */
  duplicates: number;
}

export interface RegularizeOptions {
  /** Grid step; default: the median difference between consecutive distinct times. */
  step?: number;
  /** Longest gap (in missing steps) filled by linear interpolation; default 3. */
  maxInterpolate?: number;
  /** Season in steps for long-gap fills (default 1: carry the last value). */
  season?: number;
}

/** Median of the positive differences between consecutive sorted times. */
export function medianStep(times: readonly number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  const steps: number[] = [];
  for (let i = 1; i < sorted.length; i++) if (sorted[i]! > sorted[i - 1]!) steps.push(sorted[i]! - sorted[i - 1]!);
  if (steps.length === 0) return Number.NaN;
  steps.sort((a, b) => a - b);
  return steps[Math.floor(steps.length / 2)]!;
}

export function regularize(
  times: readonly number[],
  values: readonly number[],
  options: RegularizeOptions = {},
): RegularSeries {
  if (times.length !== values.length || times.length === 0) {
    throw new FleetcastError(
      'FLEETCAST_INVALID_ARGUMENT',
      'regularize: times and values must be non-empty and aligned',
      {
        hint: 'pass one time per value',
      },
    );
  }
  const step = options.step ?? medianStep(times);
  const maxInterpolate = options.maxInterpolate ?? 3;
  const season = options.season ?? 1;
  if (times.length === 1 || !(step > 0)) {
    const value = mean(values);
    return {
      start: times[0]!,
      step: step > 0 ? step : 1,
      values: [value],
      filled: new Uint8Array(1),
      segments: [{ start: 0, end: 1 }],
      duplicates: times.length - 1,
    };
  }
  let start = Number.POSITIVE_INFINITY;
  let end = Number.NEGATIVE_INFINITY;
  for (const t of times) {
    start = Math.min(start, t);
    end = Math.max(end, t);
  }
  const length = Math.round((end - start) / step) + 1;
  if (length > 50 * times.length + 1000) {
    throw new FleetcastError(
      'FLEETCAST_INVALID_ARGUMENT',
      `a regular grid with step ${step} would have ${length} steps for ${times.length} observations`,
      { hint: 'the times are too irregular for this step; pass the sampling interval explicitly' },
    );
  }
  const sums = new Float64Array(length);
  const counts = new Uint32Array(length);
  for (let i = 0; i < times.length; i++) {
    const k = Math.round((times[i]! - start) / step);
    sums[k] = sums[k]! + values[i]!;
    counts[k] = counts[k]! + 1;
  }
  const out = new Array<number>(length);
  const filled = new Uint8Array(length);
  let duplicates = 0;
  for (let k = 0; k < length; k++) {
    const c = counts[k]!;
    if (c > 1) duplicates += c - 1;
    out[k] = c > 0 ? sums[k]! / c : Number.NaN;
  }
  let k = 0;
  while (k < length) {
    if (counts[k]! > 0) {
      k++;
      continue;
    }
    let e = k;
    while (e < length && counts[e] === 0) e++;
    // The first and last steps are always observed, so k − 1 and e exist.
    const missing = e - k;
    const before = out[k - 1]!;
    const after = out[e]!;
    for (let i = k; i < e; i++) {
      if (missing <= maxInterpolate) {
        out[i] = before + ((after - before) * (i - k + 1)) / (missing + 1);
        filled[i] = 1;
      } else {
        const earlier = season > 1 && i - season >= 0 ? out[i - season]! : Number.NaN;
        out[i] = Number.isFinite(earlier) ? earlier : out[i - 1]!;
        filled[i] = 2;
      }
    }
    k = e;
  }
  const segments: RegularSeries['segments'] = [];
  let open = -1;
  for (let i = 0; i <= length; i++) {
    const usable = i < length && filled[i] !== 2;
    if (usable && open < 0) open = i;
    if (!usable && open >= 0) {
      segments.push({ start: open, end: i });
      open = -1;
    }
  }
  return { start, step, values: out, filled, segments, duplicates };
}

/**
 * Start indices of windows of `length` steps, `stride` apart, each lying inside one segment and
 * inside [from, to) — so a window never crosses a long gap or a split boundary. Windows are placed
 * from the end of each segment backwards, so the most recent data is always covered.
 */
export function windowStarts(
  segments: ReadonlyArray<{ start: number; end: number }>,
  length: number,
  stride: number,
  from = 0,
  to = Number.POSITIVE_INFINITY,
): number[] {
  if (!(length >= 1) || !(stride >= 1)) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', 'window length and stride must be at least 1', {
      hint: 'e.g. length 24, stride 1',
    });
  }
  const starts: number[] = [];
  for (const segment of segments) {
    const lo = Math.max(segment.start, from);
    const hi = Math.min(segment.end, to);
    for (let s = hi - length; s >= lo; s -= stride) starts.push(s);
  }
  return starts.sort((a, b) => a - b);
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}
