import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRun, type MetadataStore, openMetadataStore } from '../metadata/index.js';
import { createScratchDatabase } from '../postgres.js';
import { openWorkQueue, type WorkQueue } from '../queue/index.js';
import { openWarehouse, type Warehouse } from '../warehouse/index.js';
import type { BenchInstance, Benchmark, BenchSide } from './harness.js';

export interface StoreBenchOptions {
  postgresUrl: string;
  redisUrl: string;
  /** Scales the work per repetition (1 = default sizes). */
  scale?: number;
}

const METADATA_WRITES = 300;
const WAREHOUSE_ROWS = 20_000;
const QUEUE_TASKS = 1_000;
const TASK_BYTES = 16 * 1024;

/** The first three entries: each embedded store against its scaled twin, measured in one run. */
export function storeBenchmarks(options: StoreBenchOptions): Benchmark[] {
  const scale = options.scale ?? 1;
  const writes = Math.max(10, Math.round(METADATA_WRITES * scale));
  const rows = Math.max(100, Math.round(WAREHOUSE_ROWS * scale));
  const tasks = Math.max(20, Math.round(QUEUE_TASKS * scale));
  return [
    {
      name: 'metadata-writes',
      description: `${writes} run inserts, one transaction each`,
      unit: 'writes/s',
      reference: metadataSide(
        'sqlite',
        async () => {
          const dir = mkdtempSync(join(tmpdir(), 'fleetcast-bench-'));
          return {
            url: `sqlite:${join(dir, 'metadata.sqlite')}`,
            cleanup: async () => rmSync(dir, { recursive: true }),
          };
        },
        writes,
      ),
      subject: metadataSide('postgres', () => scratchPostgres(options.postgresUrl), writes),
    },
    {
      name: 'warehouse-append',
      description: `append ${rows.toLocaleString('en-US')} metric rows in one atomic call`,
      unit: 'rows/s',
      reference: warehouseSide(
        'duckdb',
        async () => {
          const dir = mkdtempSync(join(tmpdir(), 'fleetcast-bench-'));
          return {
            url: `duckdb:${join(dir, 'warehouse.duckdb')}`,
            cleanup: async () => rmSync(dir, { recursive: true }),
          };
        },
        rows,
      ),
      subject: warehouseSide('postgres', () => scratchPostgres(options.postgresUrl), rows),
    },
    {
      name: 'queue-tasks',
      description: `${tasks} sha256 tasks of ${TASK_BYTES / 1024} KiB through the work queue`,
      unit: 'tasks/s',
      reference: queueSide('local pool', () => openWorkQueue({}), tasks),
      subject: queueSide(
        'bullmq',
        () => openWorkQueue({ redisUrl: options.redisUrl, queueName: `bench-${randomBytes(4).toString('hex')}` }),
        tasks,
      ),
    },
  ];
}

type Scratch = { url: string; cleanup: () => Promise<void> };

function metadataSide(label: string, scratch: () => Promise<Scratch>, writes: number): BenchSide {
  return {
    label,
    open: async () => {
      const place = await reachable(scratch);
      if ('skip' in place) return place;
      let store: MetadataStore;
      try {
        store = await openMetadataStore(place.url);
      } catch (error) {
        await place.cleanup();
        throw error;
      }
      let batch = 0;
      return instance(
        async () => {
          batch++;
          for (let i = 0; i < writes; i++)
            await createRun(store, { kind: 'bench', name: `b${batch}-${i}`, params: { i } });
          return writes;
        },
        async () => {
          await store.close();
          await place.cleanup();
        },
      );
    },
  };
}

function warehouseSide(label: string, scratch: () => Promise<Scratch>, rows: number): BenchSide {
  return {
    label,
    open: async () => {
      const place = await reachable(scratch);
      if ('skip' in place) return place;
      let warehouse: Warehouse;
      try {
        warehouse = await openWarehouse(place.url);
        await warehouse.ensureTable({
          name: 'bench_metrics',
          columns: [
            { name: 'ts', type: 'timestamp', nullable: false },
            { name: 'series_id', type: 'text', nullable: false },
            { name: 'metric', type: 'text', nullable: false },
            { name: 'value', type: 'double' },
          ],
        });
      } catch (error) {
        await place.cleanup();
        throw error;
      }
      const start = Date.UTC(2026, 0, 1);
      const batch = Array.from({ length: rows }, (_, i) => ({
        ts: new Date(start + i * 60_000),
        series_id: `vm-${i % 50}`,
        metric: 'cpu_utilization',
        value: Math.sin(i / 60) * 0.3 + 0.5,
      }));
      return instance(
        () => warehouse.append('bench_metrics', batch),
        async () => {
          await warehouse.close();
          await place.cleanup();
        },
      );
    },
  };
}

function queueSide(label: string, open: () => WorkQueue, tasks: number): BenchSide {
  return {
    label,
    open: async () => {
      const queue = open();
      try {
        await queue.ping();
      } catch (error) {
        await queue.close().catch(() => {});
        return { skip: (error as Error).message };
      }
      let seed = 0;
      return instance(
        async () => {
          const handles = [];
          for (let i = 0; i < tasks; i++)
            handles.push(await queue.submit('core.sha256', { bytes: TASK_BYTES, seed: seed++ }));
          await Promise.all(handles.map((h) => h.result));
          return tasks;
        },
        () => queue.close(),
      );
    },
  };
}

function instance(iteration: () => Promise<number>, close: () => Promise<void>): BenchInstance {
  return { iteration, close };
}

/** A scaled side whose server does not answer is skipped with the reason, not failed. */
async function reachable(scratch: () => Promise<Scratch>): Promise<Scratch | { skip: string }> {
  try {
    return await scratch();
  } catch (error) {
    return { skip: (error as Error).message };
  }
}

function scratchPostgres(baseUrl: string): Promise<Scratch> {
  return createScratchDatabase(baseUrl, 'fleetcast_bench').then((db) => ({ url: db.url, cleanup: db.drop }));
}
