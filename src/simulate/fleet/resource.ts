/**
 * One resource from plan to finished rows. Waste and `is_overprovisioned` depend on the whole
 * series (CPU P99.5, memory peak), yet must be on the resource's first row. So a resource is
 * generated, measured, then emitted: from memory when it fits in `bufferRows`, otherwise by
 * generating it twice (the generator is a pure function of the plan, so both passes are identical)
 * — memory stays bounded whatever the interval and range.
 */
import { type Recommendation, recommend } from '../cost/rightsizing.js';
import { UsageStats } from '../cost/usage.js';
import { SeriesGenerator } from '../generator/series.js';
import type { MetricBatch, ResourcePlan, SeriesEvents, TimeGrid } from '../generator/types.js';

export interface ResourceSummary {
  plan: ResourcePlan;
  rows: number;
  cpuSum: number;
  memorySum: number;
  /** Lag-1 autocorrelation of the CPU series (0 when it is constant or too short). */
  cpuLag1: number;
  idleRows: number;
  anomalyRows: number;
  conservative: Recommendation;
  aggressive: Recommendation;
  /** True when the conservative convention finds a cheaper instance that holds the usage. */
  overprovisioned: boolean;
  events: SeriesEvents;
}

class ResourceAccumulator {
  readonly usage: UsageStats;
  rows = 0;
  cpuSum = 0;
  cpuSquares = 0;
  memorySum = 0;
  lagProducts = 0;
  first = 0;
  last = 0;
  idleRows = 0;
  anomalyRows = 0;

  constructor(endMs: number) {
    this.usage = new UsageStats(endMs);
  }

  add(batch: MetricBatch): void {
    for (let i = 0; i < batch.length; i++) {
      const cpu = batch.cpu[i] ?? 0;
      if (this.rows === 0) this.first = cpu;
      else this.lagProducts += cpu * this.last;
      this.last = cpu;
      this.rows++;
      this.cpuSum += cpu;
      this.cpuSquares += cpu * cpu;
      this.memorySum += batch.memory[i] ?? 0;
      this.idleRows += batch.isIdle[i] ?? 0;
      if ((batch.anomaly[i] ?? 0) > 0) this.anomalyRows++;
      this.usage.add(batch.timestampMs[i] ?? 0, cpu, batch.memory[i] ?? 0);
    }
  }

  lag1(): number {
    const n = this.rows;
    if (n < 3) return 0;
    const mean = this.cpuSum / n;
    const variance = this.cpuSquares / n - mean * mean;
    if (variance <= 1e-12) return 0;
    // Σ(x_t − m)(x_{t−1} − m) from the running sums, over the n − 1 lagged pairs.
    const cross = this.lagProducts - mean * (2 * this.cpuSum - this.first - this.last) + (n - 1) * mean * mean;
    return cross / (n - 1) / variance;
  }

  summary(plan: ResourcePlan, events: SeriesEvents): ResourceSummary {
    const conservative = recommend(this.usage, plan.instance, 'conservative');
    return {
      plan,
      rows: this.rows,
      cpuSum: this.cpuSum,
      memorySum: this.memorySum,
      cpuLag1: this.lag1(),
      idleRows: this.idleRows,
      anomalyRows: this.anomalyRows,
      conservative,
      aggressive: recommend(this.usage, plan.instance, 'aggressive'),
      overprovisioned: conservative.savingHourly > 0,
      events,
    };
  }
}

export interface ResourceOutput {
  summary: ResourceSummary;
  batches: Iterable<MetricBatch>;
}

export interface ResourceOptions {
  batchRows: number;
  bufferRows: number;
}

function* drain(generator: SeriesGenerator, batchRows: number): Generator<MetricBatch> {
  while (generator.remaining > 0) yield generator.nextBatch(batchRows);
}

/** Generates and measures one resource; its batches can then be read once. */
export function simulateResource(plan: ResourcePlan, grid: TimeGrid, options: ResourceOptions): ResourceOutput {
  const accumulator = new ResourceAccumulator(grid.startMs + grid.rows * grid.stepMs);
  const generator = new SeriesGenerator(plan, grid);
  if (grid.rows <= options.bufferRows) {
    const kept: MetricBatch[] = [];
    for (const batch of drain(generator, options.batchRows)) {
      accumulator.add(batch);
      kept.push(batch);
    }
    return { summary: accumulator.summary(plan, generator.events), batches: kept };
  }
  for (const batch of drain(generator, options.batchRows)) accumulator.add(batch);
  return {
    summary: accumulator.summary(plan, generator.events),
    batches: drain(new SeriesGenerator(plan, grid), options.batchRows),
  };
}
