/**
 * The collect capability's one public door: load-step experiments against real services, measured
 * through Prometheus (or the embedded scraper), with a local or Kubernetes load controller, written
 * as kpp-layout CSV and/or a warehouse table; and the demo app that gives it a real local target.
 */
export { type DemoApp, type DemoAppOptions, startDemoApp } from './demo/app.js';
export {
  DEMO_LEVELS,
  DEMO_THINK_TIME,
  type DemoCollectOptions,
  type DemoCollectSummary,
  runDemoCollection,
  type ScraperChoice,
} from './demo/collect.js';
export { capacityOf, DEFAULT_CAPACITY, type DemoTopology, defaultTopology } from './demo/topology.js';
export { parseDuration, promDuration } from './durations.js';
export { completedLevels, levelLabel, type PlannedLevel, planLevels } from './experiment/levels.js';
export { type OpenedExperiment, openExperiment } from './experiment/open.js';
export {
  type CollectedRow,
  CsvSink,
  csvHeader,
  loadStepTableSpec,
  type OutputSink,
  WarehouseSink,
} from './experiment/outputs.js';
export { closedLoopCheck, type LevelPhysics, type PhysicsReport } from './experiment/physics.js';
export { type RunOptions, type RunSummary, runExperiment } from './experiment/runner.js';
export { type Experiment, type ExperimentInput, parseExperiment, readExperiment } from './experiment/spec.js';
export { type KubernetesControllerOptions, KubernetesLoadController } from './load/kubernetes.js';
export { type LocalControllerOptions, LocalLoadController } from './load/local.js';
export { rolloutState } from './load/rollout.js';
export type { ClientStats, LoadController, LoadLevel } from './load/types.js';
export {
  type InstantResult,
  type PrometheusAuth,
  PrometheusClient,
  type PrometheusClientOptions,
} from './prometheus/client.js';
export { escapeRegex, promString, renderTemplate, validateTemplate } from './prometheus/promql.js';
export { findPrometheusBinary, type PrometheusServer, startPrometheusServer } from './prometheus/server.js';
export { ISTIO_QUERY_SET } from './queries/istio.js';
export { parseQuerySet, readQuerySet } from './queries/load.js';
export { type Measurement, QUANTITIES, type Quantity, type QuerySet } from './queries/types.js';
export { Scraper } from './sources/embedded/scraper.js';
export { EmbeddedSource } from './sources/embedded/source.js';
export { PrometheusSource } from './sources/prometheus.js';
export type { MeasureRequest, MetricsSource } from './sources/types.js';
