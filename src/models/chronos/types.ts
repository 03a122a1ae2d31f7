/**
 * What a `chronos` model is: a Chronos-Bolt forecaster (amazon-science/chronos-forecasting) exported
 * to ONNX, run zero-shot. The manifest params carry the model's `chronos_config` (context and
 * prediction lengths, quantile levels) and the tensor names, so a loader needs no Hugging Face file
 * to run it; the rows it answers are `{series, horizon?}` → `{horizon, mean, quantiles}`.
 */
import { z } from 'zod';
import type { Predictor } from '../artifact/flavors.js';
import type { ModelManifest } from '../artifact/manifest.js';
import type { Forecast } from '../forecast/types.js';

/** The only Hugging Face architecture accepted: original Chronos (T5) samples tokens, Chronos-2 differs. */
export const CHRONOS_BOLT_ARCHITECTURE = 'ChronosBoltModelForForecasting';

/** Files of a `chronos` model folder, beside fleetcast.json. */
export const CHRONOS_ONNX_FILE = 'model.onnx';
export const CHRONOS_CONFIG_FILE = 'config.json';

/** Tensor names of a torch.onnx.export of ChronosBoltModelForForecasting.forward, preferred when present. */
export const CHRONOS_INPUT = 'context';
export const CHRONOS_OUTPUT = 'quantile_preds';

/**
 * How horizons beyond prediction_length are reached (both as chronos-forecasting's pipeline does):
 * `quantiles` (its current way) feeds every quantile path back and reduces the Q × Q answers to Q
 * empirical quantiles, so intervals keep widening; `median` (its first way) feeds the median back,
 * which is Q times cheaper but lets the intervals collapse at every block.
 */
export const CHRONOS_EXTENSIONS = ['quantiles', 'median'] as const;
export type ChronosExtension = (typeof CHRONOS_EXTENSIONS)[number];

/** Blocks of prediction_length steps a request may ask for: quality degrades well before this. */
export const CHRONOS_MAX_BLOCKS = 10;

export const ChronosParamsSchema = z
  .object({
    kind: z.literal('chronos-bolt'),
    architecture: z.string(),
    /** Points of history the model reads; shorter histories are left-padded with NaN (missing). */
    context_length: z.number().int().positive(),
    /** Steps one model call forecasts. */
    prediction_length: z.number().int().positive(),
    /** The model's quantile levels, in the order of the output's second axis. */
    quantiles: z.array(z.number().gt(0).lt(1)).min(2),
    input_patch_size: z.number().int().positive().optional(),
    input_patch_stride: z.number().int().positive().optional(),
    use_reg_token: z.boolean().optional(),
    onnx: z.object({ input: z.string().min(1), output: z.string().min(1) }).strict(),
    extension: z.enum(CHRONOS_EXTENSIONS),
    /** Longest horizon answered (default CHRONOS_MAX_BLOCKS × prediction_length). */
    max_horizon: z.number().int().positive(),
  })
  .strict();
export type ChronosParams = z.infer<typeof ChronosParamsSchema>;

export const CHRONOS_SIGNATURE: ModelManifest['signature'] = {
  inputs: [
    {
      name: 'series',
      type: 'json',
      description: 'the history, oldest first: numbers, null (or NaN) for missing points',
    },
    { name: 'horizon', type: 'int64', optional: true, description: 'steps ahead (default: prediction_length)' },
  ],
  outputs: [
    { name: 'horizon', type: 'int64', description: 'steps forecast' },
    { name: 'mean', type: 'float64[]', description: 'point forecast per step (the median)' },
    { name: 'quantiles', type: 'json', description: 'forecasts at quantiles 0.1…0.9, one array per level' },
  ],
};

/** One forecast request: a history and the steps wanted. */
export interface ChronosRequest {
  history: readonly number[];
  horizon: number;
}

export interface ChronosRow {
  series: unknown;
  horizon?: number | null;
}

export interface ChronosOutput {
  horizon: number;
  mean: number[];
  quantiles: Record<string, number[]>;
}

export interface ChronosPredictor extends Predictor<ChronosRow[], ChronosOutput[]> {
  readonly flavor: 'chronos';
  readonly params: ChronosParams;
  /** The zero-shot forecaster behind the rows (histories in, Forecasts out). */
  forecastMany(requests: readonly ChronosRequest[]): Promise<Forecast[]>;
  dispose(): Promise<void>;
}
