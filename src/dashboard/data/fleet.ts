/**
 * The fleet overview page's numbers, computed from the warehouse's wide metrics table (the table
 * `simulate --to-warehouse` and `import` write), so the dashboard shows what is stored — simulated
 * or imported — not what a generator remembers. Rightsizing uses the simulator's own conventions
 * (UsageStats + recommend), so the page and `simulate --report` agree on every saving.
 */
import type { FleetOverview } from '../../contracts/dashboard.js';
import type { Warehouse } from '../../core/index.js';
import { HOURS_PER_MONTH, INSTANCE_TYPES, type InstanceType, recommend, UsageStats } from '../../simulate/index.js';

interface ResourceAccumulator {
  id: string;
  workload: string;
  instance: string;
  provider: string;
  usage: UsageStats;
  rows: number;
  cpuSum: number;
  idleHourlyCostSum: number;
  hourlyCost: number;
  anomalies: number;
}

const HISTOGRAM_STEP = 10;
const round = (x: number, digits = 2): number => Math.round(x * 10 ** digits) / 10 ** digits;

/** Quoted identifier for both dialects: table names come from configuration, never from a request. */
export const quoteIdentifier = (name: string): string => `"${name.replaceAll('"', '""')}"`;

const toMs = (value: unknown): number => (value instanceof Date ? value.getTime() : new Date(String(value)).getTime());

export async function fleetOverview(warehouse: Warehouse, table: string, topN = 10): Promise<FleetOverview> {
  const empty: FleetOverview = {
    table,
    resources: 0,
    rows: 0,
    from: null,
    to: null,
    interval_seconds: 0,
    cost_usd: 0,
    idle_cost_usd: 0,
    monthly_cost_usd: 0,
    monthly_saving_usd: 0,
    waste_pct: 0,
    anomaly_rows: 0,
    utilisation: { bins: [], median_cpu: 0 },
    archetypes: [],
    top_savings: [],
  };
  if (!(await warehouse.hasTable(table))) return empty;
  const rows = await warehouse.query(
    `SELECT timestamp, resource_id, workload_type, instance_type, cloud_provider, cpu_utilization, memory_utilization,
            hourly_cost, is_idle, is_anomaly
       FROM ${quoteIdentifier(table)} ORDER BY resource_id, timestamp`,
  );
  if (rows.length === 0) return empty;
  // The conservative window is the last 14 days of the stored period, as in `simulate --report`.
  let endMs = Number.NEGATIVE_INFINITY;
  for (const row of rows) endMs = Math.max(endMs, toMs(row.timestamp) + 1);

  const resources = new Map<string, ResourceAccumulator>();
  let firstMs = Number.POSITIVE_INFINITY;
  let lastMs = Number.NEGATIVE_INFINITY;
  for (const row of rows) {
    const id = String(row.resource_id);
    let acc = resources.get(id);
    if (!acc) {
      acc = {
        id,
        workload: String(row.workload_type),
        instance: String(row.instance_type),
        provider: String(row.cloud_provider),
        usage: new UsageStats(endMs),
        rows: 0,
        cpuSum: 0,
        idleHourlyCostSum: 0,
        hourlyCost: Number(row.hourly_cost),
        anomalies: 0,
      };
      resources.set(id, acc);
    }
    const ms = toMs(row.timestamp);
    firstMs = Math.min(firstMs, ms);
    lastMs = Math.max(lastMs, ms);
    const cpu = Number(row.cpu_utilization);
    acc.usage.add(ms, cpu, Number(row.memory_utilization));
    acc.rows++;
    acc.cpuSum += cpu;
    if (row.is_idle === true) acc.idleHourlyCostSum += Number(row.hourly_cost);
    if (row.is_anomaly === true) acc.anomalies++;
  }
  // The sampling interval: the period over the samples of the longest series (all share one grid).
  const longest = Math.max(...[...resources.values()].map((r) => r.rows));
  const intervalHours = longest > 1 ? (lastMs - firstMs) / (longest - 1) / 3_600_000 : 1;

  const catalogue = new Map<string, InstanceType>(INSTANCE_TYPES.map((t) => [`${t.provider}/${t.name}`, t]));
  const perResource = [...resources.values()].map((r) => {
    const instance = catalogue.get(`${r.provider}/${r.instance}`);
    const advice = instance ? recommend(r.usage, instance, 'conservative') : undefined;
    return {
      acc: r,
      cpuMean: r.cpuSum / r.rows,
      cost: r.hourlyCost * r.rows * intervalHours,
      idleCost: r.idleHourlyCostSum * intervalHours,
      monthlyCost: r.hourlyCost * HOURS_PER_MONTH,
      monthlySaving: (advice?.savingHourly ?? 0) * HOURS_PER_MONTH,
      recommended: advice?.target.name ?? r.instance,
    };
  });

  const bins = Array.from({ length: 100 / HISTOGRAM_STEP }, (_, i) => ({
    from: i * HISTOGRAM_STEP,
    to: (i + 1) * HISTOGRAM_STEP,
    resources: 0,
  }));
  for (const r of perResource) bins[Math.min(bins.length - 1, Math.floor(r.cpuMean / HISTOGRAM_STEP))]!.resources++;
  const means = perResource.map((r) => r.cpuMean).sort((a, b) => a - b);
  const median =
    means.length % 2 ? means[(means.length - 1) / 2]! : (means[means.length / 2 - 1]! + means[means.length / 2]!) / 2;

  const byArchetype = new Map<string, typeof perResource>();
  for (const r of perResource) byArchetype.set(r.acc.workload, [...(byArchetype.get(r.acc.workload) ?? []), r]);
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const monthlyCost = sum(perResource.map((r) => r.monthlyCost));
  const monthlySaving = sum(perResource.map((r) => r.monthlySaving));

  return {
    table,
    resources: resources.size,
    rows: rows.length,
    from: new Date(firstMs).toISOString(),
    to: new Date(lastMs).toISOString(),
    interval_seconds: Math.round(intervalHours * 3600),
    cost_usd: round(sum(perResource.map((r) => r.cost))),
    idle_cost_usd: round(sum(perResource.map((r) => r.idleCost))),
    monthly_cost_usd: round(monthlyCost),
    monthly_saving_usd: round(monthlySaving),
    waste_pct: monthlyCost > 0 ? round((monthlySaving / monthlyCost) * 100, 1) : 0,
    anomaly_rows: sum(perResource.map((r) => r.acc.anomalies)),
    utilisation: { bins, median_cpu: round(median) },
    archetypes: [...byArchetype.entries()]
      .map(([workload_type, group]) => ({
        workload_type,
        resources: group.length,
        cpu_mean: round(sum(group.map((r) => r.cpuMean)) / group.length),
        monthly_cost_usd: round(sum(group.map((r) => r.monthlyCost))),
        monthly_saving_usd: round(sum(group.map((r) => r.monthlySaving))),
      }))
      .sort((a, b) => b.monthly_cost_usd - a.monthly_cost_usd),
    top_savings: perResource
      .filter((r) => r.monthlySaving > 0)
      .sort((a, b) => b.monthlySaving - a.monthlySaving)
      .slice(0, topN)
      .map((r) => ({
        resource_id: r.acc.id,
        workload_type: r.acc.workload,
        instance_type: r.acc.instance,
        recommended_instance: r.recommended,
        cpu_mean: round(r.cpuMean),
        cpu_p995: round(r.acc.usage.cpuQuantile(0.995)),
        memory_peak: round(r.acc.usage.memoryPeak),
        monthly_saving_usd: round(r.monthlySaving),
      })),
  };
}
