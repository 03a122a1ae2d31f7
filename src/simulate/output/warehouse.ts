/**
 * Warehouse output: the wide metrics table (created if missing) receives a run's rows all at once.
 * Batches are appended to a staging table of the same shape, then one `INSERT … SELECT` moves them
 * in a single statement (atomic on DuckDB and PostgreSQL alike), so an interrupted or failed run
 * adds nothing to the target — at worst it leaves its clearly named staging table behind.
 */
import { randomBytes } from 'node:crypto';
import { openWarehouse, type Row, type Warehouse } from '../../core/index.js';
import { anomalyLabel } from '../anomalies/types.js';
import type { ResourceSummary } from '../fleet/resource.js';
import type { MetricBatch } from '../generator/types.js';
import { COLUMN_NAMES, metricsTableSpec } from './columns.js';
import type { Sink } from './types.js';

export function batchRows(batch: MetricBatch, resource: ResourceSummary): Row[] {
  const plan = batch.resource;
  const rows: Row[] = new Array(batch.length);
  for (let i = 0; i < batch.length; i++) {
    const code = batch.anomaly[i] ?? 0;
    rows[i] = {
      timestamp: new Date(batch.timestampMs[i] ?? 0),
      resource_id: plan.id,
      workload_type: plan.archetype.key,
      cloud_provider: plan.provider,
      region: plan.region,
      instance_type: plan.instance.name,
      environment: plan.environment,
      team: plan.team,
      cpu_utilization: batch.cpu[i],
      memory_utilization: batch.memory[i],
      network_in_mbps: batch.networkIn[i],
      network_out_mbps: batch.networkOut[i],
      disk_iops: batch.diskIops[i],
      hourly_cost: plan.instance.hourlyUsd,
      is_idle: batch.isIdle[i] === 1,
      is_overprovisioned: resource.overprovisioned,
      is_anomaly: code > 0,
      anomaly_type: anomalyLabel(code),
    };
  }
  return rows;
}

const quoted = (name: string): string => `"${name}"`;

export class WarehouseSink implements Sink {
  private constructor(
    private readonly warehouse: Warehouse,
    private readonly table: string,
    private readonly stage: string,
  ) {}

  static async open(url: string, table: string): Promise<WarehouseSink> {
    const warehouse = await openWarehouse(url);
    // Unique per run, so two runs (even in one process) never share a staging table.
    const stage = `fleetcast_stage_${process.pid}_${randomBytes(4).toString('hex')}`;
    try {
      await warehouse.ensureTable(metricsTableSpec(table));
      await warehouse.query(`DROP TABLE IF EXISTS ${quoted(stage)}`);
      await warehouse.ensureTable(metricsTableSpec(stage));
    } catch (error) {
      await warehouse.close();
      throw error;
    }
    return new WarehouseSink(warehouse, table, stage);
  }

  async write(batch: MetricBatch, resource: ResourceSummary): Promise<void> {
    await this.warehouse.append(this.stage, batchRows(batch, resource));
  }

  async finish(): Promise<void> {
    try {
      const columns = COLUMN_NAMES.map(quoted).join(', ');
      await this.warehouse.query(
        `INSERT INTO ${quoted(this.table)} (${columns}) SELECT ${columns} FROM ${quoted(this.stage)}`,
      );
      await this.warehouse.query(`DROP TABLE ${quoted(this.stage)}`);
    } finally {
      await this.warehouse.close();
    }
  }

  async abort(): Promise<void> {
    try {
      await this.warehouse.query(`DROP TABLE IF EXISTS ${quoted(this.stage)}`);
    } finally {
      await this.warehouse.close();
    }
  }
}
