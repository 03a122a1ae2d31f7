/**
 * Tuning a model by backtest loss: a study over its hyperparameters, trials evaluated on the work
 * queue (`tune.model`), and the best trial's model fitted on all the data and saved as a model
 * folder the registry accepts.
 */
import type { JsonValue, PlainParams } from '../../contracts/index.js';
import { FleetcastError } from '../../core/errors.js';
import type { WorkQueue } from '../../core/queue/index.js';
import {
  type ForecasterParams,
  type SeriesBundle,
  savePerformanceModel,
  saveSeriesBundle,
} from '../../models/index.js';
import { bestOf, type CalibrationResult } from '../calibrate/run.js';
import { historyOf, type RunProgress, runStudy } from '../runner/index.js';
import { MODEL_TASK } from '../runner/tasks.js';
import type { TuningPlan } from '../spec/tune-spec.js';
import type { Study } from '../study/index.js';
import { forecasterFromParams } from './forecaster.js';
import { fitPerformance } from './performance.js';

export interface TuningRunOptions {
  maxInFlight?: number;
  onProgress?: (progress: RunProgress) => void;
  signal?: AbortSignal;
  stop?: AbortSignal;
}

/** Same shape as a calibration's result: study, summary, best and the history for the plot. */
export type TuningResult = CalibrationResult;

export async function runModelTuning(
  study: Study,
  queue: WorkQueue,
  plan: Pick<TuningPlan, 'input' | 'trials' | 'timeoutMs'>,
  options: TuningRunOptions = {},
): Promise<TuningResult> {
  const summary = await runStudy(study, queue, {
    task: MODEL_TASK,
    input: plan.input as unknown as JsonValue,
    trials: plan.trials,
    seedNamespace: 'fleetcast.tune-model',
    ...(plan.timeoutMs === undefined ? {} : { timeoutMs: plan.timeoutMs }),
    ...(options.maxInFlight === undefined ? {} : { maxInFlight: options.maxInFlight }),
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.stop === undefined ? {} : { stop: options.stop }),
  });
  return { study: study.name, summary, ...bestOf(summary), history: await historyOf(study) };
}

/**
 * Fits the model of one parameter set (the best trial's) on all the data and saves it to `dir`:
 * a forecast bundle (one fitted forecaster per series) or a performance model. The manifest records
 * the tuned parameters and the trial's loss.
 */
export function saveTunedModel(
  plan: Pick<TuningPlan, 'data' | 'input' | 'horizon'>,
  params: PlainParams,
  dir: string,
  meta: { loss: number; study: string; parentRun?: string },
): void {
  const data = plan.data;
  if (data.kind === 'performance') {
    const model = fitPerformance(data.rows, params);
    savePerformanceModel(dir, model, {
      metrics: { tuning_loss: meta.loss },
      params: { tuned: params, study: meta.study },
      ...(meta.parentRun === undefined ? {} : { lineage: { parentRun: meta.parentRun } }),
    });
    return;
  }
  if (plan.input.kind !== 'forecaster') {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', 'forecaster data with a performance task input', {
      hint: 'build plans with loadTuningSpec',
    });
  }
  const season = plan.input.season;
  const series: SeriesBundle['series'] = {};
  const steps: number[] = [];
  let chosen: ForecasterParams['model'] = 'ets';
  for (const s of data.series) {
    const choice = forecasterFromParams(params, season);
    const start = choice.history === undefined ? 0 : Math.max(0, s.values.length - choice.history);
    choice.forecaster.fit(s.values.slice(start), { season: choice.season });
    const fitted = choice.forecaster.toJSON();
    chosen = fitted.model;
    series[s.id] = { lastMs: s.times.at(-1)!, points: s.values.length, params: fitted };
    if (s.times.length > 1) steps.push(s.times[1]! - s.times[0]!);
  }
  steps.sort((a, b) => a - b);
  const bundle: SeriesBundle = {
    kind: 'fleetcast.forecast-bundle/v1',
    idColumn: data.idColumn,
    timeColumn: data.timeColumn,
    valueColumn: data.valueColumn,
    horizon: plan.horizon ?? plan.input.horizon,
    season: Number(params.season ?? season),
    stepMs: steps[Math.floor(steps.length / 2)] ?? 1,
    model: chosen,
    series,
  };
  saveSeriesBundle(dir, bundle, {
    metrics: { tuning_loss: meta.loss },
    ...(meta.parentRun === undefined ? {} : { parentRun: meta.parentRun }),
  });
}
