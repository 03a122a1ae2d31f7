/**
 * The output schema, in order: one definition for CSV headers, the Parquet cast and the warehouse
 * table, so the three can never drift apart.
 *
 * Warehouse decision (DESIGN.md "Warehouse tables"): simulated and imported metrics go to a *wide*
 * table per source, one row per (timestamp, resource) with these columns — the shape every consumer
 * (training, rightsizing, dashboards) reads, with no pivot on each read.
 */
import type { ColumnType, TableSpec } from '../../core/index.js';

export interface OutputColumn {
  name: string;
  warehouse: ColumnType;
  duckdb: string;
}

export const OUTPUT_COLUMNS: readonly OutputColumn[] = [
  { name: 'timestamp', warehouse: 'timestamp', duckdb: 'TIMESTAMPTZ' },
  { name: 'resource_id', warehouse: 'text', duckdb: 'VARCHAR' },
  { name: 'workload_type', warehouse: 'text', duckdb: 'VARCHAR' },
  { name: 'cloud_provider', warehouse: 'text', duckdb: 'VARCHAR' },
  { name: 'region', warehouse: 'text', duckdb: 'VARCHAR' },
  { name: 'instance_type', warehouse: 'text', duckdb: 'VARCHAR' },
  { name: 'environment', warehouse: 'text', duckdb: 'VARCHAR' },
  { name: 'team', warehouse: 'text', duckdb: 'VARCHAR' },
  { name: 'cpu_utilization', warehouse: 'double', duckdb: 'DOUBLE' },
  { name: 'memory_utilization', warehouse: 'double', duckdb: 'DOUBLE' },
  { name: 'network_in_mbps', warehouse: 'double', duckdb: 'DOUBLE' },
  { name: 'network_out_mbps', warehouse: 'double', duckdb: 'DOUBLE' },
  { name: 'disk_iops', warehouse: 'double', duckdb: 'DOUBLE' },
  { name: 'hourly_cost', warehouse: 'double', duckdb: 'DOUBLE' },
  { name: 'is_idle', warehouse: 'boolean', duckdb: 'BOOLEAN' },
  { name: 'is_overprovisioned', warehouse: 'boolean', duckdb: 'BOOLEAN' },
  { name: 'is_anomaly', warehouse: 'boolean', duckdb: 'BOOLEAN' },
  { name: 'anomaly_type', warehouse: 'text', duckdb: 'VARCHAR' },
];

/** The table `--to-warehouse` appends to when no name is given: the wide table of simulated metrics. */
export const DEFAULT_METRICS_TABLE = 'simulated_metrics';

export const COLUMN_NAMES: readonly string[] = OUTPUT_COLUMNS.map((c) => c.name);

/** The wide metrics table: `timestamp`, `resource_id` and labels are never null. */
export function metricsTableSpec(name: string): TableSpec {
  return {
    name,
    columns: OUTPUT_COLUMNS.map((c) => ({ name: c.name, type: c.warehouse, nullable: c.name === 'anomaly_type' })),
  };
}
