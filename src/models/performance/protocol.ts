/**
 * The two published kpp experiments end to end: split (data/splits.ts), fit on training rows only,
 * score on the test rows (evaluate.ts).
 */
import { FleetcastError } from '../../core/errors.js';
import { extrapolationSplit, interpolationSplit } from '../data/splits.js';
import type { LoadStepRow } from '../data/types.js';
import { type PerformanceScores, scorePerformance } from './evaluate.js';
import { fitPerformanceModel, type PerformanceFitOptions, type PerformanceModel } from './model.js';

export const SPLITS = ['interpolation', 'extrapolation'] as const;
export type SplitName = (typeof SPLITS)[number];

export interface ProtocolInput {
  split: SplitName;
  /** Rows of the training file (interpolation: the whole run, split here). */
  data: readonly LoadStepRow[];
  /** Rows of the test file (extrapolation only). */
  test?: readonly LoadStepRow[];
  fit?: PerformanceFitOptions;
}

export interface ProtocolResult {
  model: PerformanceModel;
  scores: PerformanceScores;
  split: SplitName;
  trainLevels: number[];
  testLevels: number[];
  trainRows: number;
  testRows: number;
  /** The split's rows as read (for plots and further scoring). */
  train: LoadStepRow[];
  test: LoadStepRow[];
}

export function runPerformanceProtocol(input: ProtocolInput): ProtocolResult {
  let split: ReturnType<typeof interpolationSplit>;
  if (input.split === 'interpolation') {
    split = interpolationSplit(input.data);
  } else {
    if (!input.test) {
      throw new FleetcastError('FLEETCAST_USAGE', 'the extrapolation split needs test data', {
        hint: 'pass --test FILE (e.g. the overload run)',
      });
    }
    split = extrapolationSplit(input.data, input.test);
  }
  const model = fitPerformanceModel(split.train, input.fit);
  const scores = scorePerformance(model, split.test, model.params.bucketSeconds);
  return {
    model,
    scores,
    split: input.split,
    trainLevels: model.params.trainingLevels,
    testLevels: split.testLevels,
    trainRows: split.train.length,
    testRows: split.test.length,
    train: split.train,
    test: split.test,
  };
}
