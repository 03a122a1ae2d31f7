/**
 * The resource pages: the fleet's resources, and one resource's metric history with its labelled
 * anomalies and the latest stored forecast (the forecaster's batch predictions, with intervals).
 */
import type { ResourceDetail, ResourceListItem } from '../../contracts/dashboard.js';
import type { Warehouse } from '../../core/index.js';
import { quoteIdentifier } from './fleet.js';

const iso = (value: unknown): string => (value instanceof Date ? value : new Date(String(value))).toISOString();
const round = (x: number): number => Math.round(x * 1000) / 1000;

export async function listResources(warehouse: Warehouse, table: string): Promise<ResourceListItem[]> {
  if (!(await warehouse.hasTable(table))) return [];
  const rows = await warehouse.query(
    `SELECT resource_id, min(workload_type) AS workload_type, min(instance_type) AS instance_type, min(team) AS team,
            avg(cpu_utilization) AS cpu_mean, sum(CASE WHEN is_anomaly THEN 1 ELSE 0 END) AS anomaly_rows
       FROM ${quoteIdentifier(table)} GROUP BY resource_id ORDER BY resource_id`,
  );
  return rows.map((r) => ({
    resource_id: String(r.resource_id),
    workload_type: String(r.workload_type),
    instance_type: String(r.instance_type),
    team: String(r.team),
    cpu_mean: round(Number(r.cpu_mean)),
    anomaly_rows: Number(r.anomaly_rows),
  }));
}

/** Contiguous runs of one anomaly type, for shading. */
function anomalyWindows(history: ResourceDetail['history']): ResourceDetail['anomalies'] {
  const windows: ResourceDetail['anomalies'] = [];
  let open: { type: string; from: string; to: string } | undefined;
  for (const point of history) {
    if (point.anomaly && open?.type === point.anomaly) {
      open.to = point.t;
      continue;
    }
    if (open) windows.push(open);
    open = point.anomaly ? { type: point.anomaly, from: point.t, to: point.t } : undefined;
  }
  if (open) windows.push(open);
  return windows;
}

export async function resourceDetail(
  warehouse: Warehouse,
  tables: { metrics: string; predictions: string },
  id: string,
): Promise<ResourceDetail | undefined> {
  if (!(await warehouse.hasTable(tables.metrics))) return undefined;
  const rows = await warehouse.query(
    `SELECT timestamp, workload_type, instance_type, cpu_utilization, memory_utilization, is_anomaly, anomaly_type
       FROM ${quoteIdentifier(tables.metrics)} WHERE resource_id = $1 ORDER BY timestamp`,
    [id],
  );
  if (rows.length === 0) return undefined;
  const history = rows.map((r) => ({
    t: iso(r.timestamp),
    cpu: round(Number(r.cpu_utilization)),
    memory: round(Number(r.memory_utilization)),
    anomaly: r.is_anomaly === true ? String(r.anomaly_type ?? 'anomaly') : null,
  }));
  return {
    resource_id: id,
    workload_type: rows[0]?.workload_type == null ? null : String(rows[0].workload_type),
    instance_type: rows[0]?.instance_type == null ? null : String(rows[0].instance_type),
    points: history.length,
    history,
    anomalies: anomalyWindows(history),
    forecast: await latestForecast(warehouse, tables.predictions, id),
  };
}

/** The newest run's forecast rows for one series, or null when none is stored (or the table is not a forecast's). */
async function latestForecast(warehouse: Warehouse, table: string, id: string): Promise<ResourceDetail['forecast']> {
  if (!(await warehouse.hasTable(table))) return null;
  const t = quoteIdentifier(table);
  let rows: Awaited<ReturnType<Warehouse['query']>>;
  try {
    rows = await warehouse.query(
      `SELECT run_id, model, version, predicted_at, timestamp, mean, q10, q50, q90 FROM ${t}
        WHERE series_id = $1 AND run_id = (SELECT run_id FROM ${t} WHERE series_id = $1 ORDER BY predicted_at DESC LIMIT 1)
        ORDER BY step`,
      [id],
    );
  } catch {
    // A predictions table written by a non-forecast model has no series/quantile columns.
    return null;
  }
  const first = rows[0];
  if (!first) return null;
  return {
    run_id: String(first.run_id),
    model: String(first.model),
    version: Number(first.version),
    predicted_at: iso(first.predicted_at),
    steps: rows.map((r) => ({
      t: iso(r.timestamp),
      mean: round(Number(r.mean)),
      q10: round(Number(r.q10)),
      q50: round(Number(r.q50)),
      q90: round(Number(r.q90)),
    })),
  };
}
