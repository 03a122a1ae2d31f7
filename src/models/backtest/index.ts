/** Backtesting: rolling-origin folds, scores relative to seasonal naive, and `auto` model choice. */
export { AutoForecaster, type AutoOptions, DEFAULT_AUTO_CANDIDATES } from './auto.js';
export { type CsvColumns, readSeriesCsv, type SeriesData } from './csv.js';
export { type Fold, rollingFolds, rowsNeeded } from './folds.js';
export { formatBacktest } from './format.js';
export { LastFoldForecasts } from './plots.js';
export { type PreparedSeries, prepareSeries, type Repair } from './prepare.js';
export {
  type BacktestOptions,
  type BacktestReport,
  type ModelSummary,
  resolveModels,
  runBacktest,
  type SeriesInput,
  type SeriesReport,
  unusable,
} from './run.js';
export { METRICS, type MetricName, type Scores, scoreForecast } from './score.js';
export { type ZeroShotModel, zeroShotForecasts } from './zero-shot.js';
