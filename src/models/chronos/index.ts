/** Chronos-Bolt, zero-shot (issue 4, item 7): the `chronos` flavor, its loader and the tiny test model. */

export {
  type ChronosOptions,
  chronosSpec,
  openChronosBolt,
  registerChronosFlavor,
  type SaveChronosOptions,
  saveChronosModel,
} from './flavor.js';
export {
  CHRONOS_ONNX_LOCATIONS,
  type ChronosBoltConfig,
  type ChronosBoltFolder,
  isChronosBoltFolder,
  readChronosBoltFolder,
} from './folder.js';
export { ChronosBoltForecaster, type ChronosBoltSpec, contextWindow } from './forecaster.js';
export { centralIndex, checkQuantileLevels, empiricalQuantile, toForecast } from './quantiles.js';
export { MAX_SERIES_POINTS, readSeries } from './series.js';
export { CHRONOS_RUN_BATCH } from './session.js';
export {
  TINY_CHRONOS_EPS,
  type TinyChronosOptions,
  tinyChronosBoltConfig,
  tinyChronosBoltForward,
  tinyChronosBoltOnnx,
  tinyChronosZ,
  writeTinyChronosBolt,
} from './tiny.js';
export {
  CHRONOS_BOLT_ARCHITECTURE,
  CHRONOS_CONFIG_FILE,
  CHRONOS_EXTENSIONS,
  CHRONOS_INPUT,
  CHRONOS_MAX_BLOCKS,
  CHRONOS_ONNX_FILE,
  CHRONOS_OUTPUT,
  CHRONOS_SIGNATURE,
  type ChronosExtension,
  type ChronosOutput,
  type ChronosParams,
  ChronosParamsSchema,
  type ChronosPredictor,
  type ChronosRequest,
  type ChronosRow,
} from './types.js';
