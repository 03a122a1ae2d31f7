/**
 * The tiny Chronos-Bolt graph as a forecaster whose model calls are counted, and the closed-form
 * arithmetic the tests compare with (written out here, independently of src/models/chronos).
 */
import { expect } from 'vitest';
import { openChronosSession } from '../../../src/models/chronos/session.js';
import {
  ChronosBoltForecaster,
  type ChronosBoltSpec,
  type ChronosExtension,
  type TinyChronosOptions,
  tinyChronosBoltForward,
  tinyChronosBoltOnnx,
} from '../../../src/models/index.js';

export const LEVELS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

export interface CountedForecaster {
  forecaster: ChronosBoltForecaster;
  /** Batch size of every session.run, in order. */
  calls: number[];
}

export async function tinyForecaster(
  options: TinyChronosOptions & { extension?: ChronosExtension; maxHorizon?: number } = {},
): Promise<CountedForecaster> {
  const contextLength = options.contextLength ?? 32;
  const predictionLength = options.predictionLength ?? 8;
  const quantiles = options.quantiles ?? LEVELS;
  const session = await openChronosSession(
    tinyChronosBoltOnnx(options),
    { contextLength, quantiles: quantiles.length, predictionLength },
    {},
    'tiny',
  );
  const calls: number[] = [];
  const counted = {
    ...session,
    run: (data: Float32Array, n: number) => {
      calls.push(n);
      return session.run(data, n);
    },
  };
  const spec: ChronosBoltSpec = {
    contextLength,
    predictionLength,
    quantiles,
    extension: options.extension ?? 'quantiles',
    maxHorizon: options.maxHorizon ?? 10 * predictionLength,
  };
  return { forecaster: new ChronosBoltForecaster(counted, spec), calls };
}

/** The last `length` points, NaN-padded on the left, non-finite → NaN. */
export function window(history: readonly number[], length: number): number[] {
  const tail = history.slice(-length).map((x) => (Number.isFinite(x) ? x : Number.NaN));
  return [...new Array<number>(length - tail.length).fill(Number.NaN), ...tail];
}

/** torch.quantile's linear rule. */
export function torchQuantile(values: readonly number[], level: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const position = level * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below]! + (position - below) * (sorted[above]! - sorted[below]!);
}

/** Reads ascending `levels` of `rows[q][h]` at `target` levels by linear interpolation. */
export function atLevels(levels: readonly number[], rows: number[][], targets: readonly number[] = LEVELS) {
  return targets.map((t) =>
    rows[0]!.map((_, h) => {
      const values = rows.map((row) => row[h]!).sort((a, b) => a - b);
      const exact = levels.findIndex((l) => Math.abs(l - t) < 1e-12);
      if (exact >= 0) return values[exact]!;
      const upper = levels.findIndex((l) => l > t);
      const w = (t - levels[upper - 1]!) / (levels[upper]! - levels[upper - 1]!);
      return values[upper - 1]! + w * (values[upper]! - values[upper - 1]!);
    }),
  );
}

/** Hand-computed autoregression with the closed form: `[q][h]` at the model's levels. */
export function closedForm(
  history: readonly number[],
  horizon: number,
  options: TinyChronosOptions & { extension?: ChronosExtension },
): number[][] {
  const contextLength = options.contextLength ?? 32;
  const levels = options.quantiles ?? LEVELS;
  const mid = levels.indexOf(0.5);
  const forward = (context: number[]) => tinyChronosBoltForward(context, options);
  const slide = (path: number[], tail: number[]) => [...path, ...tail].slice(-contextLength);
  let block = forward(window(history, contextLength));
  const out = block.map((row) => [...row]);
  let paths =
    options.extension === 'median'
      ? [window(history, contextLength)]
      : levels.map(() => window(history, contextLength));
  while (out[0]!.length < horizon) {
    if (options.extension === 'median') {
      paths = [slide(paths[0]!, block[mid]!)];
      block = forward(paths[0]!);
    } else {
      paths = paths.map((path, q) => slide(path, block[q]!));
      const answers = paths.map(forward);
      block = levels.map((level) =>
        block[0]!.map((_, h) =>
          torchQuantile(
            answers.flatMap((a) => a.map((row) => row[h]!)),
            level,
          ),
        ),
      );
    }
    for (const [q, row] of block.entries()) out[q]!.push(...row);
  }
  return out.map((row) => row.slice(0, horizon));
}

/** Equal within float32 arithmetic (relative 1e-5, absolute 1e-4). */
export function expectClose(actual: readonly (readonly number[])[], expected: readonly (readonly number[])[]) {
  expect(actual.length).toBe(expected.length);
  actual.forEach((row, q) => {
    expect(row.length).toBe(expected[q]!.length);
    row.forEach((value, h) => {
      const want = expected[q]![h]!;
      expect(Math.abs(value - want), `[${q}][${h}] ${value} vs ${want}`).toBeLessThanOrEqual(
        1e-4 + 1e-5 * Math.abs(want),
      );
    });
  });
}

export function expectMonotone(quantiles: readonly (readonly number[])[]) {
  for (let j = 1; j < quantiles.length; j++) {
    for (const [h, value] of quantiles[j]!.entries()) expect(value).toBeGreaterThanOrEqual(quantiles[j - 1]![h]!);
  }
}

/** A deterministic series with a level, a trend and a cycle. */
export function series(length: number, seed = 1): number[] {
  return Array.from({ length }, (_, i) => 50 * seed + 0.3 * i + 8 * Math.sin((i + seed) / 2.5));
}
