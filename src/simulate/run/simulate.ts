/**
 * `simulate` as a capability: check everything, stream the fleet into a sink resource by resource,
 * report progress on stderr, and return the summary the CLI prints with --json.
 */
import { createProgress, maskUrl } from '../../core/index.js';
import { DatasetSink } from '../dataset/sink.js';
import { type FleetOptions, type FleetSpec, resolveFleetSpec } from '../fleet/spec.js';
import { gridOf, simulateFleet } from '../fleet/stream.js';
import { type FleetStats, FleetSummary, type GroupStats } from '../fleet/summary.js';
import { CsvSink } from '../output/csv.js';
import { ParquetSink } from '../output/parquet.js';
import type { OutputTarget, Sink } from '../output/types.js';
import { WarehouseSink } from '../output/warehouse.js';
import { PlotCollector } from '../report/plots.js';
import { RightsizingReport, type RightsizingSummary } from '../report/rightsizing.js';
import { checkReportPath, checkTarget } from './preflight.js';

export interface SimulateOptions extends FleetOptions {
  output: OutputTarget;
  /** Also write the rightsizing report (one row per resource) to this CSV file. */
  report?: string;
  /** Also write SVG plots (a few series with anomalies shaded, the utilisation distribution) here. */
  plots?: string;
  /** Progress goes here (default: no progress). */
  progress?: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  batchRows?: number;
  bufferRows?: number;
}

export interface SimulationSummary {
  seed: string;
  fleet_size: number;
  start: string;
  end: string;
  interval_seconds: number;
  rows_per_resource: number;
  mix: Record<string, number>;
  rows: number;
  seconds: number;
  rows_per_s: number;
  fleet: GroupStats;
  archetypes: Record<string, GroupStats>;
  anomalies: FleetStats['anomalies'];
  output: OutputTarget;
  /** With `report`: totals and the largest savings of the rightsizing report. */
  report?: RightsizingSummary;
  /** With `plots`: the SVG files written. */
  plots?: string[];
  /** With a dataset output: each split's range, rows and files. */
  dataset?: { splits: Array<{ name: string; from: string; to: string; rows: number; files: string[] }> };
}

async function openSink(target: OutputTarget, spec: FleetSpec, stats: () => FleetStats): Promise<Sink | undefined> {
  const grid = gridOf(spec);
  switch (target.kind) {
    case 'csv':
      return new CsvSink(target.path, grid);
    case 'parquet':
      return new ParquetSink(target.path, grid);
    case 'warehouse':
      return WarehouseSink.open(target.url, target.table);
    case 'dataset':
      return new DatasetSink(target, spec, stats);
    case 'none':
      return undefined;
  }
}

/** Checks the request and the destination; throws a FleetcastError before any work. */
export function prepareSimulation(options: SimulateOptions): FleetSpec {
  const spec = resolveFleetSpec(options);
  checkTarget(options.output, spec);
  if (options.report !== undefined) checkReportPath(options.report);
  return spec;
}

function datasetSplits(sink: DatasetSink): NonNullable<SimulationSummary['dataset']>['splits'] {
  return sink.splitStats().map((s) => ({
    name: s.range.name,
    from: new Date(s.range.fromMs).toISOString(),
    to: new Date(s.range.toMs).toISOString(),
    rows: s.rows,
    files: s.files,
  }));
}

export async function runSimulation(options: SimulateOptions): Promise<SimulationSummary> {
  const spec = prepareSimulation(options);
  const started = performance.now();
  const summary = new FleetSummary(spec.stepMs / 3_600_000);
  const sink = await openSink(options.output, spec, () => summary.stats());
  const report = options.report !== undefined ? new RightsizingReport(options.report) : undefined;
  let reportSummary: RightsizingSummary | undefined;
  const plots = options.plots !== undefined ? new PlotCollector(spec) : undefined;
  let plotFiles: string[] | undefined;
  const progress = options.progress
    ? createProgress({ label: 'simulate', total: spec.fleet, stream: options.progress })
    : undefined;
  let rows = 0;
  try {
    for (const resource of simulateFleet(spec, options)) {
      for (const batch of resource.batches) {
        if (sink) await sink.write(batch, resource.summary);
        plots?.observe(batch, resource.summary);
        rows += batch.length;
      }
      summary.add(resource.summary);
      await report?.add(resource.summary);
      plots?.addResource(resource.summary);
      progress?.tick(1, `${rows} rows`);
    }
    await sink?.finish();
    reportSummary = await report?.finish();
    if (plots && options.plots !== undefined) plotFiles = await plots.write(options.plots);
  } catch (error) {
    await sink?.abort();
    await report?.abort();
    throw error;
  }
  progress?.done(`${rows} rows`);
  const seconds = (performance.now() - started) / 1000;
  const stats = summary.stats();
  return {
    seed: spec.seed.toString(),
    fleet_size: spec.fleet,
    start: new Date(spec.startMs).toISOString(),
    end: new Date(spec.startMs + spec.rowsPerResource * spec.stepMs).toISOString(),
    interval_seconds: spec.stepMs / 1000,
    rows_per_resource: spec.rowsPerResource,
    mix: spec.mix,
    rows,
    seconds: Math.round(seconds * 1000) / 1000,
    rows_per_s: seconds > 0 ? Math.round(rows / seconds) : rows,
    fleet: stats.fleet,
    archetypes: stats.archetypes,
    anomalies: stats.anomalies,
    output:
      options.output.kind === 'warehouse' ? { ...options.output, url: maskUrl(options.output.url) } : options.output,
    ...(reportSummary ? { report: reportSummary } : {}),
    ...(plotFiles ? { plots: plotFiles } : {}),
    ...(sink instanceof DatasetSink ? { dataset: { splits: datasetSplits(sink) } } : {}),
  };
}
