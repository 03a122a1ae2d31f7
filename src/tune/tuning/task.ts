/**
 * The `tune.model` queue task: one trial of a tuning spec — fit the forecaster or performance model
 * the parameters describe and return its backtest (validation) loss.
 */
import { FleetcastError } from '../../core/errors.js';
import type { TaskHandler } from '../../core/queue/types.js';
import type { SeriesInput } from '../../models/index.js';
import type { ObjectiveOutput, ObjectivePayload } from '../runner/types.js';
import { backtestLoss, type LossMetric } from './forecaster.js';
import { fromColumns, type LoadStepColumns, type PerformanceTarget, performanceLoss } from './performance.js';

export type ModelTaskInput =
  | { kind: 'forecaster'; series: SeriesInput[]; horizon: number; folds: number; season: number; metric: LossMetric }
  | { kind: 'performance'; data: LoadStepColumns; target: PerformanceTarget };

const evaluateModel: TaskHandler<ObjectivePayload, ObjectiveOutput> = async (payload): Promise<ObjectiveOutput> => {
  const input = payload.input as ModelTaskInput | undefined;
  if (input?.kind === 'forecaster') {
    const result = backtestLoss(input.series, payload.params, input);
    return { loss: result.loss, diagnostics: { series: result.series } };
  }
  if (input?.kind === 'performance') {
    const result = performanceLoss(fromColumns(input.data), payload.params, input.target);
    return { loss: result.loss, diagnostics: { mape: result.mape } };
  }
  throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', 'tune.model: input.kind must be forecaster or performance', {
    hint: 'start model tuning with runModelTuning (or fleetcast tune --spec)',
  });
};

export default evaluateModel;
