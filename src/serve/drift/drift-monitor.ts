/**
 * Drift per model: the first `baselineSize` observations after a model starts (or after `reset`)
 * form its baseline; every later one goes into a rolling window of the last `windowSize`. `psi()`
 * compares the window with the baseline for each numeric input feature and for the prediction.
 * Keyed by whatever the caller passes as `model` (a name, or `name@version` to restart the
 * baseline when a new version is promoted — or call `reset`).
 */
import { FleetcastError } from '../../core/errors.js';
import { numericFeatures, type PredictionValue, predictionOf } from './features.js';
import { categoricalStabilityIndex, populationStabilityIndex } from './psi.js';

export interface DriftMonitorOptions {
  /** Observations in the baseline (default 500). */
  baselineSize?: number;
  /** Observations in the rolling current window (default 500). */
  windowSize?: number;
  /** Quantile bins for numeric PSI (default 10). */
  bins?: number;
}

export interface DriftReport {
  /** PSI per numeric input feature seen in the baseline; null until both sides have values. */
  inputs: Record<string, number | null>;
  /** PSI of the prediction distribution; null until both sides have values. */
  prediction: number | null;
  /** How the prediction was read: a number, or a label distribution. */
  prediction_kind: 'numeric' | 'categorical' | null;
  baseline_n: number;
  current_n: number;
  /** False while the baseline is still filling (current_n is then 0). */
  baseline_complete: boolean;
}

/** A fixed-size window that overwrites its oldest value. */
class RingBuffer<T> {
  private readonly values: T[] = [];
  private next = 0;

  constructor(private readonly capacity: number) {}

  push(value: T): void {
    if (this.values.length < this.capacity) this.values.push(value);
    else this.values[this.next] = value;
    this.next = (this.next + 1) % this.capacity;
  }

  toArray(): T[] {
    return [...this.values];
  }
}

interface Series<T> {
  baseline: T[];
  current: RingBuffer<T>;
}

interface ModelState {
  baselineN: number;
  currentSeen: number;
  features: Map<string, Series<number>>;
  predictionKind: PredictionValue['kind'] | undefined;
  prediction: Series<number | string>;
}

export class DriftMonitor {
  private readonly baselineSize: number;
  private readonly windowSize: number;
  private readonly bins: number;
  private readonly states = new Map<string, ModelState>();

  constructor(options: DriftMonitorOptions = {}) {
    this.baselineSize = positiveInteger('baselineSize', options.baselineSize ?? 500);
    this.windowSize = positiveInteger('windowSize', options.windowSize ?? 500);
    this.bins = positiveInteger('bins', options.bins ?? 10);
    if (this.bins < 2) throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `bins must be ≥ 2, got ${this.bins}`);
  }

  /**
   * Records one request: its input (see `numericFeatures`) and its prediction (see
   * `predictionOf`: a label, a number, or an output object).
   */
  observe(model: string, input: unknown, prediction: unknown): void {
    const state = this.state(model);
    const inBaseline = state.baselineN < this.baselineSize;
    const features = numericFeatures(input);
    for (const [name, value] of Object.entries(features)) {
      let series = state.features.get(name);
      // A feature the baseline never saw has nothing to be compared with.
      if (series === undefined) {
        if (!inBaseline) continue;
        series = this.newSeries<number>();
        state.features.set(name, series);
      }
      if (inBaseline) series.baseline.push(value);
      else series.current.push(value);
    }
    const predicted = predictionOf(prediction);
    if (predicted !== undefined) {
      state.predictionKind ??= predicted.kind;
      // A value of the other kind (a label after numbers) cannot share a distribution: skipped.
      if (predicted.kind === state.predictionKind) {
        if (inBaseline) state.prediction.baseline.push(predicted.value);
        else state.prediction.current.push(predicted.value);
      }
    }
    if (inBaseline) state.baselineN += 1;
    else state.currentSeen += 1;
  }

  psi(model: string): DriftReport {
    const state = this.states.get(model);
    const currentN = Math.min(state?.currentSeen ?? 0, this.windowSize);
    const report: DriftReport = {
      inputs: {},
      prediction: null,
      prediction_kind: state?.predictionKind ?? null,
      baseline_n: state?.baselineN ?? 0,
      current_n: currentN,
      baseline_complete: (state?.baselineN ?? 0) >= this.baselineSize,
    };
    if (state === undefined) return report;
    for (const name of [...state.features.keys()].sort()) {
      const series = state.features.get(name)!;
      const current = series.current.toArray();
      report.inputs[name] =
        series.baseline.length > 0 && current.length > 0
          ? populationStabilityIndex(series.baseline, current, this.bins)
          : null;
    }
    const baseline = state.prediction.baseline;
    const current = state.prediction.current.toArray();
    if (baseline.length > 0 && current.length > 0) {
      report.prediction =
        state.predictionKind === 'categorical'
          ? categoricalStabilityIndex(baseline as string[], current as string[])
          : populationStabilityIndex(baseline as number[], current as number[], this.bins);
    }
    return report;
  }

  /** The models observed so far. */
  models(): string[] {
    return [...this.states.keys()].sort();
  }

  /** Forgets a model's baseline and window: the next observations start a new baseline. */
  reset(model: string): void {
    this.states.delete(model);
  }

  private state(model: string): ModelState {
    let state = this.states.get(model);
    if (state === undefined) {
      state = {
        baselineN: 0,
        currentSeen: 0,
        features: new Map(),
        predictionKind: undefined,
        prediction: this.newSeries(),
      };
      this.states.set(model, state);
    }
    return state;
  }

  private newSeries<T>(): Series<T> {
    return { baseline: [], current: new RingBuffer<T>(this.windowSize) };
  }
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `${name} must be an integer ≥ 1, got ${value}`);
  }
  return value;
}
