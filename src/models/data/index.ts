/** Data pipeline pieces for load-step measurements (issue 4, item 1: the parts the performance task needs). */
export {
  aggregateDuplicates,
  groupByServiceLevel,
  mapeCentre,
  median,
  summarizeLevels,
  userLevels,
} from './aggregate.js';
export { OPTIONAL_COLUMNS, parseLoadStepCsv, REQUIRED_COLUMNS, readLoadStepCsv, splitCsvLine } from './csv.js';
export { medianStep, type RegularizeOptions, type RegularSeries, regularize, windowStarts } from './gaps.js';
export { fitScaler, type Scaler, scale, unscale } from './scaling.js';
export { extrapolationSplit, HELD_OUT_LEVELS, heldOutLevels, interpolationSplit, type Split } from './splits.js';
export { type LevelSummary, type LoadStepRow, type ServiceLevels, TARGETS, type Target } from './types.js';
