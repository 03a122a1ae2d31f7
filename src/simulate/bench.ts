/**
 * `fleetcast bench` entries for the simulator (issue: 1,000 resources × 30 days × 5 minutes, 8.64M
 * rows, one core). `simulate-generate` compares generating the fleet in memory with the floor of
 * drawing the same number of random metric values with no model; `simulate-csv` compares simulating
 * straight to a CSV file with writing the same number of rows, already made, to the same kind of
 * file (the I/O floor).
 */
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchInstance, Benchmark } from '../core/bench/harness.js';
import type { ResourceSummary } from './fleet/resource.js';
import { resolveFleetSpec } from './fleet/spec.js';
import { gridOf, simulateFleet } from './fleet/stream.js';
import type { MetricBatch } from './generator/types.js';
import { csvHeader, formatBatch, TimestampText } from './output/csv.js';
import { Rng } from './random/prng.js';
import { runSimulation } from './run/simulate.js';

const FLEET = 1_000;
const DAYS = 30;
const METRICS = 5;

export function simulateBenchmarks(scale = 1): Benchmark[] {
  const days = Math.max(1, Math.round(DAYS * scale));
  const options = { fleet: FLEET, days, interval: '5m', seed: 7 };
  const rows = resolveFleetSpec(options).fleet * resolveFleetSpec(options).rowsPerResource;
  const label = `${FLEET} resources × ${days} days × 5 min (${(rows / 1e6).toFixed(2)}M rows)`;
  return [
    {
      name: 'simulate-generate',
      description: `generate ${label} in memory`,
      unit: 'rows/s',
      reference: {
        label: 'random fill',
        open: async () =>
          instance(async () => {
            // The floor: the same number of draws of five metrics, with no model behind them.
            const rng = new Rng(7n);
            const column = new Float64Array(8192);
            let sink = 0;
            for (let done = 0; done < rows; done += column.length) {
              for (let m = 0; m < METRICS; m++) {
                for (let i = 0; i < column.length; i++) column[i] = rng.normal();
                sink += column[0]!;
              }
            }
            if (Number.isNaN(sink)) throw new Error('unreachable: keeps the loop from being optimised away');
            return rows;
          }),
      },
      subject: {
        label: 'simulator',
        open: async () =>
          instance(async () => {
            let count = 0;
            for (const resource of simulateFleet(resolveFleetSpec(options))) {
              for (const batch of resource.batches) count += batch.length;
            }
            return count;
          }),
      },
    },
    {
      name: 'simulate-csv',
      description: `write ${label} to a CSV file`,
      unit: 'rows/s',
      reference: {
        label: 'write only',
        open: async () => {
          // One resource's rows, made once and then written FLEET times: the cost of output alone.
          const spec = resolveFleetSpec({ ...options, fleet: 1 });
          const first = simulateFleet(spec).next().value;
          if (!first) throw new Error('the simulator yielded no resource');
          const batches: MetricBatch[] = [...first.batches];
          const summary: ResourceSummary = first.summary;
          return withFolder((dir) =>
            instance(async () => {
              const out = createWriteStream(join(dir, 'floor.csv'));
              const times = new TimestampText(gridOf(spec));
              out.write(csvHeader());
              let count = 0;
              for (let r = 0; r < FLEET; r++) {
                for (const batch of batches) {
                  if (!out.write(formatBatch(batch, summary, times))) await once(out, 'drain');
                  count += batch.length;
                }
              }
              out.end();
              await once(out, 'finish');
              return count;
            }),
          );
        },
      },
      subject: {
        label: 'simulate',
        open: async () =>
          withFolder((dir) =>
            instance(async () => {
              const result = await runSimulation({ ...options, output: { kind: 'csv', path: join(dir, 'fleet.csv') } });
              return result.rows;
            }),
          ),
      },
    },
  ];
}

function instance(iteration: () => Promise<number>, close: () => Promise<void> = async () => {}): BenchInstance {
  return { iteration, close };
}

/** A scratch folder for a side's output files, removed when the side closes. */
function withFolder(make: (dir: string) => BenchInstance): BenchInstance {
  const dir = mkdtempSync(join(tmpdir(), 'fleetcast-bench-sim-'));
  const side = make(dir);
  return {
    iteration: side.iteration,
    close: async () => {
      await side.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
