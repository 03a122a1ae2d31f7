/**
 * The simulator's one public door: realistic cloud workload fleets — archetypes, a seeded streaming
 * generator, labelled anomalies, cost and waste — written to CSV, Parquet, a dataset folder or the
 * warehouse; the rightsizing report and plots; and importers that map public traces to the same
 * columns.
 */
export { ANOMALY_TYPES, type AnomalyType, type AnomalyWindow, anomalyLabel } from './anomalies/types.js';
export { ARCHETYPES, type Archetype, DEFAULT_MIX, findArchetype, METRICS } from './archetypes/index.js';
export { simulateBenchmarks } from './bench.js';
export { type CloudProvider, INSTANCE_TYPES, type InstanceType, REGIONS } from './cost/catalogue.js';
export { type Convention, cheapestFit, type Recommendation, type Requirement, recommend } from './cost/rightsizing.js';
export { UsageStats } from './cost/usage.js';
export { parseSplit, SPLIT_NAMES, type SplitName, splitGrid } from './dataset/split.js';
export { planResource } from './fleet/plan.js';
export type { ResourceOutput, ResourceSummary } from './fleet/resource.js';
export {
  DEFAULT_ANOMALY_RATE,
  DEFAULT_START,
  type FleetOptions,
  type FleetSpec,
  parseInterval,
  parseMix,
  parseSeed,
  resolveFleetSpec,
} from './fleet/spec.js';
export { gridOf, type StreamOptions, simulateFleet } from './fleet/stream.js';
export { type FleetStats, FleetSummary, type GroupStats } from './fleet/summary.js';
export { IDLE_CPU_PCT, IDLE_NETWORK_MBPS, SeriesGenerator } from './generator/series.js';
export type { MetricBatch, ResourcePlan, SeriesEvents, TimeGrid } from './generator/types.js';
export { FORMATS as TRACE_FORMATS, type Reading, type TraceFormat } from './importers/formats.js';
export { type ImportOptions, type ImportSummary, importedTableSpec, importTrace } from './importers/run.js';
export { COLUMN_NAMES, DEFAULT_METRICS_TABLE, metricsTableSpec, OUTPUT_COLUMNS } from './output/columns.js';
export { csvHeader, formatBatch } from './output/csv.js';
export type { OutputTarget } from './output/types.js';
export { PlotCollector } from './report/plots.js';
export {
  HOURS_PER_MONTH,
  REPORT_COLUMNS,
  RightsizingReport,
  type RightsizingRow,
  type RightsizingSummary,
  rightsizingRow,
  rightsizingRows,
} from './report/rightsizing.js';
export { fileTarget } from './run/preflight.js';
export { prepareSimulation, runSimulation, type SimulateOptions, type SimulationSummary } from './run/simulate.js';
