/**
 * Scaling and windowing of a service's polls for the GRU.
 *
 * Scaling is min–max per column (the original's `MinMaxScaler`, per service), fitted here on the
 * training and validation polls only — the original fitted it on every row, test rows included. The
 * "scaled RMSE" the study reports is measured in these units, so it is comparable across services.
 *
 * A window is `window` consecutive polls of one segment (no gap inside) followed by its target: the
 * next poll's response time, throughput and CPU, or with `targetPolls` k > 1 the mean of the next k
 * polls. A training (validation) window lies wholly in training (validation) polls. A test window's
 * target polls are test polls, and its inputs are whatever was observed just before them: training
 * polls of the same level, then earlier test polls — one-step-ahead scoring, as the original's
 * test windows were, without its windows that spanned the pause between two levels.
 */
import type { WindowSet } from '../../forecast/gru/train.js';
import { INPUT_COUNT, ROLE, type ServiceSeries, TARGET_COUNT } from './series.js';

export interface MinMax {
  min: number[];
  max: number[];
}

const range = (s: MinMax, j: number): number => (s.max[j]! > s.min[j]! ? s.max[j]! - s.min[j]! : 1);
export const scaleValue = (s: MinMax, j: number, value: number): number => (value - s.min[j]!) / range(s, j);
export const unscaleValue = (s: MinMax, j: number, value: number): number => value * range(s, j) + s.min[j]!;

/** Min and max of every input column over the training and validation polls. */
export function fitMinMax(series: ServiceSeries): MinMax {
  const min = new Array<number>(INPUT_COUNT).fill(Number.POSITIVE_INFINITY);
  const max = new Array<number>(INPUT_COUNT).fill(Number.NEGATIVE_INFINITY);
  for (let i = 0; i < series.length; i++) {
    if (series.role[i] === ROLE.test) continue;
    for (let j = 0; j < INPUT_COUNT; j++) {
      const v = series.features[i * INPUT_COUNT + j]!;
      if (v < min[j]!) min[j] = v;
      if (v > max[j]!) max[j] = v;
    }
  }
  return { min, max };
}

/** Windows plus, per window, the "repeat the last value" prediction (scaled) and the target's poll. */
export interface SequenceWindows extends WindowSet {
  /** [count × TARGET_COUNT]: the last input poll's measurements. */
  lastValue: Float64Array;
  /** Index of each window's first target poll. */
  targetPoll: Int32Array;
}

export interface WindowSpec {
  window: number;
  targetPolls: number;
}

/** Whether a window whose first target poll is `t` fits in one segment and in the split `role`. */
function windowFits(series: ServiceSeries, t: number, role: number, spec: WindowSpec): boolean {
  const first = t - spec.window;
  const end = t + spec.targetPolls;
  if (first < 0 || end > series.length) return false;
  const segment = series.segment[t];
  for (let i = first; i < end; i++) if (series.segment[i] !== segment) return false;
  for (let i = t; i < end; i++) if (series.role[i] !== role || series.observed[i] !== 1) return false;
  // Training and validation inputs stay in their own split; test inputs are the observed history.
  if (role !== ROLE.test) for (let i = first; i < t; i++) if (series.role[i] !== role) return false;
  return true;
}

export function buildWindows(series: ServiceSeries, scaler: MinMax, role: number, spec: WindowSpec): SequenceWindows {
  const starts: number[] = [];
  for (let t = 0; t < series.length; t++) if (windowFits(series, t, role, spec)) starts.push(t);
  const W = spec.window;
  const k = spec.targetPolls;
  const x = new Float64Array(starts.length * W * INPUT_COUNT);
  const y = new Float64Array(starts.length * TARGET_COUNT);
  const lastValue = new Float64Array(starts.length * TARGET_COUNT);
  const f = series.features;
  starts.forEach((t, w) => {
    for (let s = 0; s < W; s++) {
      const poll = t - W + s;
      for (let j = 0; j < INPUT_COUNT; j++) {
        x[(w * W + s) * INPUT_COUNT + j] = scaleValue(scaler, j, f[poll * INPUT_COUNT + j]!);
      }
    }
    for (let o = 0; o < TARGET_COUNT; o++) {
      let sum = 0;
      for (let p = t; p < t + k; p++) sum += f[p * INPUT_COUNT + 1 + o]!;
      y[w * TARGET_COUNT + o] = scaleValue(scaler, 1 + o, sum / k);
      lastValue[w * TARGET_COUNT + o] = x[(w * W + W - 1) * INPUT_COUNT + 1 + o]!;
    }
  });
  return {
    x,
    y,
    count: starts.length,
    steps: W,
    lossSteps: 1,
    lastValue,
    targetPoll: Int32Array.from(starts),
  };
}
