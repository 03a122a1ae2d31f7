/**
 * Report plots: a few series with their anomalies shaded, and the distribution of resource mean
 * CPU and memory across the fleet. Built while the fleet streams: the chosen series are reduced to
 * at most ~1,500 buckets as they pass (bucket mean for memory, bucket maximum for CPU, so spikes
 * stay visible), everything else is one small histogram.
 */
import { mkdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { anomalyLabel } from '../anomalies/types.js';
import type { ResourceSummary } from '../fleet/resource.js';
import type { FleetSpec } from '../fleet/spec.js';
import type { MetricBatch } from '../generator/types.js';
import { type Band, histogram, lineChart } from './svg.js';

const MAX_POINTS = 1500;
const BIN_WIDTH = 5;
const BINS = 100 / BIN_WIDTH;

interface Trace {
  id: string;
  hasAnomalies: boolean;
  cpuMax: number[];
  memoryMean: number[];
  anomaly: number[];
  /** Open bucket. */
  filled: number;
  cpu: number;
  memory: number;
  code: number;
}

export class PlotCollector {
  private readonly stride: number;
  private readonly traces = new Map<number, Trace>();
  private readonly cpuBins = new Array<number>(BINS).fill(0);
  private readonly memoryBins = new Array<number>(BINS).fill(0);
  private withAnomalies = 0;

  constructor(
    private readonly spec: FleetSpec,
    private readonly count = 4,
  ) {
    this.stride = Math.max(1, Math.ceil(spec.rowsPerResource / MAX_POINTS));
  }

  /** Whether a resource's series is kept: the first ones with anomalies, plus the first few as a fallback. */
  private wants(resource: ResourceSummary): boolean {
    const { index, anomalies } = resource.plan;
    if (this.traces.has(index)) return true;
    const withAnomalies = anomalies.length > 0 && this.withAnomalies < this.count;
    if (!withAnomalies && index >= this.count) return false;
    if (anomalies.length > 0) this.withAnomalies++;
    this.traces.set(index, {
      id: resource.plan.id,
      hasAnomalies: anomalies.length > 0,
      cpuMax: [],
      memoryMean: [],
      anomaly: [],
      filled: 0,
      cpu: 0,
      memory: 0,
      code: 0,
    });
    return true;
  }

  observe(batch: MetricBatch, resource: ResourceSummary): void {
    if (!this.wants(resource)) return;
    const trace = this.traces.get(resource.plan.index);
    if (!trace) return;
    for (let i = 0; i < batch.length; i++) {
      trace.cpu = Math.max(trace.cpu, batch.cpu[i] ?? 0);
      trace.memory += batch.memory[i] ?? 0;
      if ((batch.anomaly[i] ?? 0) > 0) trace.code = batch.anomaly[i] ?? 0;
      if (++trace.filled === this.stride) this.close(trace);
    }
  }

  private close(trace: Trace): void {
    if (trace.filled === 0) return;
    trace.cpuMax.push(trace.cpu);
    trace.memoryMean.push(trace.memory / trace.filled);
    trace.anomaly.push(trace.code);
    trace.filled = 0;
    trace.cpu = 0;
    trace.memory = 0;
    trace.code = 0;
  }

  /** Counts a finished resource in the utilisation histograms. */
  addResource(resource: ResourceSummary): void {
    if (resource.rows === 0) return;
    const bin = (pct: number): number => Math.min(BINS - 1, Math.max(0, Math.floor(pct / BIN_WIDTH)));
    const cpu = bin(resource.cpuSum / resource.rows);
    const memory = bin(resource.memorySum / resource.rows);
    this.cpuBins[cpu] = (this.cpuBins[cpu] ?? 0) + 1;
    this.memoryBins[memory] = (this.memoryBins[memory] ?? 0) + 1;
  }

  /** Writes the SVG files into `dir`; returns their paths. */
  async write(dir: string): Promise<string[]> {
    mkdirSync(dir, { recursive: true });
    const start = new Date(this.spec.startMs).toISOString();
    const end = new Date(this.spec.startMs + this.spec.rowsPerResource * this.spec.stepMs).toISOString();
    const chosen = [...this.traces.values()];
    const anomalous = chosen.filter((t) => t.hasAnomalies);
    // Anomalous series first, so a fleet with fewer anomalies than plots still shows every one of them.
    const plotted = [...anomalous, ...chosen.filter((t) => !t.hasAnomalies)].slice(0, this.count);
    const written: string[] = [];
    for (const trace of plotted) {
      this.close(trace);
      const path = join(dir, `series-${trace.id}.svg`);
      const svg = lineChart(
        `${trace.id}: CPU (bucket max) and memory, anomalies shaded`,
        [
          { name: 'CPU %', color: '#1f6fb4', values: trace.cpuMax },
          { name: 'memory %', color: '#2a9d55', values: trace.memoryMean },
        ],
        bands(trace.anomaly),
        [start, end],
      );
      await writeFile(path, svg);
      written.push(path);
    }
    const labels = Array.from({ length: BINS }, (_, i) => `${i * BIN_WIDTH}`);
    const path = join(dir, 'utilisation.svg');
    await writeFile(
      path,
      histogram(
        `Fleet utilisation: ${this.spec.fleet} resources`,
        [
          { name: 'CPU', color: '#1f6fb4', values: this.cpuBins },
          { name: 'memory', color: '#2a9d55', values: this.memoryBins },
        ],
        labels,
      ),
    );
    written.push(path);
    return written;
  }
}

/** Runs of equal non-zero anomaly codes as shaded bands. */
function bands(codes: readonly number[]): Band[] {
  const out: Band[] = [];
  let from = -1;
  for (let i = 0; i <= codes.length; i++) {
    const code = codes[i] ?? 0;
    const previous = i > 0 ? (codes[i - 1] ?? 0) : 0;
    if (code !== previous) {
      if (previous > 0 && from >= 0) out.push({ from, to: i, label: anomalyLabel(previous) ?? '' });
      from = code > 0 ? i : -1;
    }
  }
  return out;
}
