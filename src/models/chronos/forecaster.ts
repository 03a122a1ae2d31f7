/**
 * The zero-shot Chronos-Bolt forecaster: no fit, a history in, quantile forecasts out, the way
 * chronos-forecasting's ChronosBoltPipeline predicts. The model scales each context itself, so the
 * history is passed as it is: its last context_length points, left-padded with NaN (the model masks
 * NaN), every non-finite value made NaN. Many histories share each session.run. Horizons beyond
 * prediction_length are forecast block by block, feeding forecasts back as context.
 */
import { FleetcastError } from '../../core/errors.js';
import type { Forecast } from '../forecast/types.js';
import { centralIndex, empiricalQuantile, toForecast } from './quantiles.js';
import type { ChronosSession } from './session.js';
import type { ChronosExtension, ChronosRequest } from './types.js';

export interface ChronosBoltSpec {
  contextLength: number;
  predictionLength: number;
  /** The model's quantile levels, in the order of its output. */
  quantiles: readonly number[];
  extension: ChronosExtension;
  maxHorizon: number;
}

const FLOAT32_MAX = 3.4028234663852886e38;

/** `[quantile][step]` forecasts at ascending levels. */
type Block = number[][];

/**
 * The context the model reads: the last `length` points, NaN for missing ones and for the left
 * padding of a shorter history. A window without one observed value is refused: the model would
 * forecast from nothing.
 */
export function contextWindow(history: readonly number[], length: number, label: string): number[] {
  const window = new Array<number>(length).fill(Number.NaN);
  const start = Math.max(0, history.length - length);
  let observed = 0;
  for (let i = start; i < history.length; i++) {
    const value = history[i];
    const x = typeof value === 'number' && Number.isFinite(value) ? value : Number.NaN;
    if (Math.abs(x) > FLOAT32_MAX) {
      throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `${label}: value ${x} at position ${i} exceeds float32`, {
        hint: 'rescale the series (e.g. to another unit) before forecasting',
      });
    }
    window[length - (history.length - i)] = x;
    if (!Number.isNaN(x)) observed++;
  }
  if (observed === 0) {
    const scope = history.length > length ? `its last ${length} points` : `its ${history.length} point(s)`;
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `${label}: no observed value in ${scope}`, {
      hint: 'a history needs at least one finite number (null, NaN and ±Infinity count as missing)',
    });
  }
  return window;
}

export class ChronosBoltForecaster {
  readonly name = 'chronos';
  /** The model's levels, ascending, and the output row of each. */
  readonly levels: number[];
  private readonly rows: number[];
  private readonly central: number;

  constructor(
    private readonly session: ChronosSession,
    readonly spec: ChronosBoltSpec,
  ) {
    this.rows = spec.quantiles.map((_, i) => i).sort((a, b) => spec.quantiles[a]! - spec.quantiles[b]!);
    this.levels = this.rows.map((row) => spec.quantiles[row]!);
    this.central = centralIndex(this.levels);
  }

  async forecast(history: readonly number[], horizon: number): Promise<Forecast> {
    return (await this.forecastMany([{ history, horizon }]))[0]!;
  }

  /** Forecasts every request; all of them share each model call. */
  async forecastMany(requests: readonly ChronosRequest[]): Promise<Forecast[]> {
    const { contextLength, maxHorizon } = this.spec;
    for (const [i, request] of requests.entries()) {
      if (!Number.isSafeInteger(request.horizon) || request.horizon < 1 || request.horizon > maxHorizon) {
        throw new FleetcastError(
          'FLEETCAST_INVALID_ARGUMENT',
          `series ${i}: horizon ${request.horizon} is not an integer between 1 and ${maxHorizon}`,
          { hint: `this model forecasts ${this.spec.predictionLength} steps per call, up to ${maxHorizon} in all` },
        );
      }
    }
    if (requests.length === 0) return [];
    const windows = requests.map((request, i) => contextWindow(request.history, contextLength, `series ${i}`));
    let last = await this.run(windows);
    const forecasts: Block[] = last.map((block) => block.map((row) => [...row]));
    // The context paths each series continues: one (median) or one per quantile level.
    const paths = windows.map((window) =>
      this.spec.extension === 'median' ? [window] : this.levels.map(() => window),
    );
    let active = requests.map((_, i) => i).filter((i) => forecasts[i]![0]!.length < requests[i]!.horizon);
    while (active.length > 0) {
      for (const i of active) {
        paths[i] =
          this.spec.extension === 'median'
            ? [this.slide(paths[i]![0]!, last[i]![this.central]!)]
            : paths[i]!.map((path, q) => this.slide(path, last[i]![q]!));
      }
      const answers = await this.run(active.flatMap((i) => paths[i]!));
      let at = 0;
      const next = [...last];
      for (const i of active) {
        const count = paths[i]!.length;
        const block = count === 1 ? answers[at]! : this.reduce(answers.slice(at, at + count));
        at += count;
        next[i] = block;
        for (const [q, row] of block.entries()) forecasts[i]![q]!.push(...row);
      }
      last = next;
      active = active.filter((i) => forecasts[i]![0]!.length < requests[i]!.horizon);
    }
    return requests.map((request, i) =>
      toForecast(
        this.levels,
        forecasts[i]!.map((row) => row.slice(0, request.horizon)),
      ),
    );
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }

  /** The path with `appended` at its end, cut to the context length (the model reads no more). */
  private slide(path: readonly number[], appended: readonly number[]): number[] {
    const joined = [...path, ...appended];
    return joined.slice(joined.length - this.spec.contextLength);
  }

  /**
   * Q paths answered Q quantiles each: per step, the Q × Q values are reduced to the empirical
   * quantiles at the model's levels (chronos-forecasting's long-horizon heuristic).
   */
  private reduce(answers: readonly Block[]): Block {
    const steps = this.spec.predictionLength;
    return this.levels.map((level) =>
      Array.from({ length: steps }, (_, h) =>
        empiricalQuantile(
          answers.flatMap((block) => block.map((row) => row[h]!)),
          level,
        ),
      ),
    );
  }

  /** One batched model call: each context's answer as `[level][step]`, levels ascending. */
  private async run(contexts: readonly number[][]): Promise<Block[]> {
    const { contextLength, predictionLength } = this.spec;
    const quantiles = this.levels.length;
    const data = new Float32Array(contexts.length * contextLength);
    contexts.forEach((context, i) => {
      data.set(context, i * contextLength);
    });
    const out = await this.session.run(data, contexts.length);
    return contexts.map((_, i) =>
      this.rows.map((row) => {
        const offset = (i * quantiles + row) * predictionLength;
        return Array.from(out.subarray(offset, offset + predictionLength));
      }),
    );
  }
}
