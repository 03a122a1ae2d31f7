/** Spec files: YAML for calibrations and model tuning, validated with errors that name the path. */
export { type CalibrationPlan, CalibrationSpecSchema, loadCalibrationSpec } from './calibrate-spec.js';
export { type DataSource, DataSourceSchema, describeSource, loadRows } from './data.js';
export { type SamplerEntry, SamplerEntrySchema } from './sampler.js';
export { loadTuningSpec, type TimedSeries, type TuningData, type TuningPlan, TuningSpecSchema } from './tune-spec.js';
export { readSpecFile, validateSpec } from './yaml.js';
