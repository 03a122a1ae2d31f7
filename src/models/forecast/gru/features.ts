/**
 * What the GRU forecaster sees at each step, and the training windows built from a series.
 *
 * The series is scaled (training-split mean and standard deviation) and a baseline is taken out:
 * d = z − (a + b·t + s(t mod m)), a straight line and a seasonal profile fitted on the training split
 * only. The step that predicts d[t] reads d[t − 1] and, with a season m > 1, the target's phase as
 * sin/cos of 2π(t mod m)/m. The network thus models what the baseline leaves — level shifts,
 * autocorrelated noise, changes of shape — and the forecast adds the baseline back.
 *
 * A training window covers W consecutive targets; its first `burnIn` steps only warm the state up
 * (truncated backpropagation through time over the window, loss on the remaining steps). Its first
 * input is the value before its first target, so a window occupies W + 1 indices, and `windowStarts`
 * places those spans inside one split and one gap-free segment.
 */
import { windowStarts } from '../../data/gaps.js';
import type { WindowSet } from './train.js';

export interface FeatureSpec {
  season: number;
  window: number;
  burnIn: number;
}

export const inputCount = (season: number): number => (season > 1 ? 3 : 1);

/** How far before its first target a window's inputs reach. */
export const REACH = 1;

/** Mean of each phase of `z[0, end)` (zero-centred). */
export function phaseProfile(z: ArrayLike<number>, season: number, end: number): number[] {
  if (season <= 1) return [0];
  const sums = new Array<number>(season).fill(0);
  const counts = new Array<number>(season).fill(0);
  for (let t = 0; t < end; t++) {
    sums[t % season] = sums[t % season]! + z[t]!;
    counts[t % season] = counts[t % season]! + 1;
  }
  const means = sums.map((s, k) => (counts[k]! > 0 ? s / counts[k]! : 0));
  const centre = means.reduce((a, b) => a + b, 0) / season;
  return means.map((v) => v - centre);
}

/** The part of the scaled series the GRU does not model: a straight line plus a seasonal profile. */
export interface Baseline {
  intercept: number;
  slope: number;
  profile: number[];
}

export const baselineAt = (b: Baseline, t: number): number =>
  b.intercept + b.slope * t + b.profile[t % b.profile.length]!;

/**
 * Line and profile fitted to z[0, end) by alternating least squares (two rounds: the profile of the
 * detrended series, the line through the deseasonalised one).
 */
export function fitBaseline(z: ArrayLike<number>, season: number, end: number): Baseline {
  let profile = season > 1 ? new Array<number>(season).fill(0) : [0];
  let intercept = 0;
  let slope = 0;
  for (let round = 0; round < 2; round++) {
    const tBar = (end - 1) / 2;
    let sy = 0;
    let sxy = 0;
    let sxx = 0;
    for (let t = 0; t < end; t++) {
      const v = z[t]! - profile[t % profile.length]!;
      sy += v;
      sxy += (t - tBar) * v;
      sxx += (t - tBar) ** 2;
    }
    slope = sxx > 0 ? sxy / sxx : 0;
    intercept = sy / end - slope * tBar;
    const detrended = Array.from({ length: end }, (_, t) => z[t]! - intercept - slope * t);
    profile = phaseProfile(detrended, season, end);
  }
  return { intercept, slope, profile };
}

/**
 * Writes the input row of the step predicting d[t] at out[off …]; `phase` is the position in the
 * season of index 0 of `d` (non-zero when d is a tail of the series).
 */
export function writeInputs(
  d: ArrayLike<number>,
  t: number,
  season: number,
  out: Float64Array,
  off: number,
  phase = 0,
): void {
  out[off] = d[t - 1]!;
  if (season > 1) {
    const angle = (2 * Math.PI * ((t + phase) % season)) / season;
    out[off + 1] = Math.sin(angle);
    out[off + 2] = Math.cos(angle);
  }
}

/**
 * Training windows of `d` whose spans lie inside [from, to) and inside one of `segments`, `stride` apart
 * (the most recent kept when there are more than `maxWindows`).
 */
export function buildWindows(
  d: ArrayLike<number>,
  spec: FeatureSpec,
  segments: ReadonlyArray<{ start: number; end: number }>,
  from: number,
  to: number,
  stride: number,
  maxWindows: number,
): WindowSet {
  const { season, window: W, burnIn } = spec;
  let starts = windowStarts(segments, W + REACH, stride, from, to);
  if (starts.length > maxWindows) starts = starts.slice(starts.length - maxWindows);
  const I = inputCount(season);
  const L = W - burnIn;
  const x = new Float64Array(starts.length * W * I);
  const y = new Float64Array(starts.length * L);
  for (const [w, start] of starts.entries()) {
    const first = start + REACH;
    for (let k = 0; k < W; k++) {
      const t = first + k;
      writeInputs(d, t, season, x, (w * W + k) * I);
      if (k >= burnIn) y[w * L + k - burnIn] = d[t]!;
    }
  }
  return { x, y, count: starts.length, steps: W, lossSteps: L };
}
