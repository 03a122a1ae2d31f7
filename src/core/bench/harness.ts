import { cpus, totalmem } from 'node:os';
import { errorMessage } from '../errors.js';
import type { Progress } from '../progress.js';

/** One side of a comparison, opened once and measured repeatedly. */
export interface BenchSide {
  label: string;
  /** Returns the instance, or a reason to skip (e.g. no PostgreSQL URL given). */
  open(): Promise<BenchInstance | { skip: string }>;
}

export interface BenchInstance {
  /** Does one repetition of the work; returns how many operations it did. */
  iteration(): Promise<number>;
  close(): Promise<void>;
}

export interface Benchmark {
  name: string;
  description: string;
  /** Unit of the rate, e.g. `writes/s`. */
  unit: string;
  reference: BenchSide;
  subject: BenchSide;
}

export interface SideResult {
  label: string;
  /** Median rate over the repetitions; undefined when skipped or failed. */
  median?: number;
  rates: number[];
  skipped?: string;
  error?: string;
}

export interface BenchResult {
  name: string;
  description: string;
  unit: string;
  repetitions: number;
  reference: SideResult;
  subject: SideResult;
  /** subject median ÷ reference median, both measured in this run. */
  ratio?: number;
}

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    cpu: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Runs a benchmark: one warm-up each, then `repetitions` rounds that alternate reference and subject
 * (so drift in the machine's load hits both alike), reporting the median rate of each and their ratio.
 */
export async function runBenchmark(bench: Benchmark, repetitions: number, progress?: Progress): Promise<BenchResult> {
  if (repetitions < 5) throw new RangeError('a benchmark needs at least 5 repetitions');
  const sides = [bench.reference, bench.subject];
  const results: SideResult[] = sides.map((side) => ({ label: side.label, rates: [] }));
  const instances: Array<BenchInstance | undefined> = [];
  for (const [i, side] of sides.entries()) {
    try {
      const opened = await side.open();
      if ('skip' in opened) results[i]!.skipped = opened.skip;
      else instances[i] = opened;
    } catch (error) {
      results[i]!.error = errorMessage(error);
    }
  }
  try {
    for (const [i, instance] of instances.entries()) {
      if (!instance) continue;
      try {
        await instance.iteration(); // warm-up: JIT, connection pools, worker threads
      } catch (error) {
        results[i]!.error = errorMessage(error);
        instances[i] = undefined;
      }
    }
    for (let rep = 0; rep < repetitions; rep++) {
      for (const [i, instance] of instances.entries()) {
        if (!instance) continue;
        try {
          const started = performance.now();
          const ops = await instance.iteration();
          const seconds = (performance.now() - started) / 1000;
          results[i]!.rates.push(ops / seconds);
        } catch (error) {
          results[i]!.error = errorMessage(error);
          instances[i] = undefined;
        }
      }
      progress?.tick(1, bench.name);
    }
  } finally {
    await Promise.all(instances.map((instance) => instance?.close().catch(() => {})));
  }
  for (const result of results) {
    if (!result.error && !result.skipped && result.rates.length === repetitions) result.median = median(result.rates);
  }
  const [reference, subject] = results as [SideResult, SideResult];
  return {
    name: bench.name,
    description: bench.description,
    unit: bench.unit,
    repetitions,
    reference,
    subject,
    ...(reference.median && subject.median !== undefined ? { ratio: subject.median / reference.median } : {}),
  };
}

export function formatRate(rate: number | undefined): string {
  if (rate === undefined) return '—';
  return rate >= 100 ? Math.round(rate).toLocaleString('en-US') : rate.toPrecision(3);
}

export function formatResult(result: BenchResult): string {
  const side = (s: SideResult) =>
    s.median !== undefined
      ? `${s.label} ${formatRate(s.median)} ${result.unit}`
      : `${s.label} ${s.skipped ? `skipped (${s.skipped})` : `failed (${s.error})`}`;
  const ratio = result.ratio !== undefined ? `ratio ${result.ratio.toFixed(2)}×` : 'ratio —';
  return `${result.name.padEnd(18)} ${side(result.reference)} | ${side(result.subject)} | ${ratio} (${result.subject.label} ÷ ${result.reference.label}, median of ${result.repetitions})`;
}
