/**
 * Fleet statistics gathered resource by resource: means over all samples (every resource weighs by
 * its samples, and all have the same number), waste as a share of spend, idle cost, mean lag-1
 * autocorrelation, per archetype and for the fleet.
 */
import { ANOMALY_TYPES } from '../anomalies/types.js';
import type { ResourceSummary } from './resource.js';

export interface GroupStats {
  resources: number;
  rows: number;
  cpu_mean: number;
  memory_mean: number;
  /** Conservative convention (Compute Optimizer style): the headline figure. */
  waste_pct: number;
  /** Aggressive convention (VPA style). */
  waste_pct_aggressive: number;
  spend_usd: number;
  waste_usd: number;
  idle_cost_usd: number;
  idle_pct: number;
  lag1_autocorrelation: number;
  overprovisioned_resources: number;
  anomaly_rows: number;
}

export interface FleetStats {
  fleet: GroupStats;
  archetypes: Record<string, GroupStats>;
  anomalies: Record<string, number>;
}

class Group {
  resources = 0;
  rows = 0;
  cpu = 0;
  memory = 0;
  spend = 0;
  saving = 0;
  savingAggressive = 0;
  idleCost = 0;
  idleRows = 0;
  lag1 = 0;
  overprovisioned = 0;
  anomalyRows = 0;

  add(r: ResourceSummary, stepHours: number): void {
    const hours = r.rows * stepHours;
    this.resources++;
    this.rows += r.rows;
    this.cpu += r.cpuSum;
    this.memory += r.memorySum;
    this.spend += r.plan.instance.hourlyUsd * hours;
    this.saving += r.conservative.savingHourly * hours;
    this.savingAggressive += r.aggressive.savingHourly * hours;
    this.idleCost += r.plan.instance.hourlyUsd * r.idleRows * stepHours;
    this.idleRows += r.idleRows;
    this.lag1 += r.cpuLag1;
    if (r.overprovisioned) this.overprovisioned++;
    this.anomalyRows += r.anomalyRows;
  }

  stats(): GroupStats {
    const per = (x: number, n: number): number => (n > 0 ? x / n : 0);
    return {
      resources: this.resources,
      rows: this.rows,
      cpu_mean: round(per(this.cpu, this.rows)),
      memory_mean: round(per(this.memory, this.rows)),
      waste_pct: round(per(this.saving, this.spend) * 100),
      waste_pct_aggressive: round(per(this.savingAggressive, this.spend) * 100),
      spend_usd: round(this.spend),
      waste_usd: round(this.saving),
      idle_cost_usd: round(this.idleCost),
      idle_pct: round(per(this.idleRows, this.rows) * 100),
      lag1_autocorrelation: round(per(this.lag1, this.resources), 4),
      overprovisioned_resources: this.overprovisioned,
      anomaly_rows: this.anomalyRows,
    };
  }
}

function round(x: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export class FleetSummary {
  private readonly fleet = new Group();
  private readonly groups = new Map<string, Group>();
  private readonly anomalies = new Map<string, number>(ANOMALY_TYPES.map((t) => [t, 0]));

  constructor(private readonly stepHours: number) {}

  add(resource: ResourceSummary): void {
    this.fleet.add(resource, this.stepHours);
    const key = resource.plan.archetype.key;
    let group = this.groups.get(key);
    if (!group) {
      group = new Group();
      this.groups.set(key, group);
    }
    group.add(resource, this.stepHours);
    for (const window of resource.plan.anomalies) {
      this.anomalies.set(window.type, (this.anomalies.get(window.type) ?? 0) + 1);
    }
  }

  stats(): FleetStats {
    const archetypes: Record<string, GroupStats> = {};
    for (const key of [...this.groups.keys()].sort()) {
      const group = this.groups.get(key);
      if (group) archetypes[key] = group.stats();
    }
    return { fleet: this.fleet.stats(), archetypes, anomalies: Object.fromEntries(this.anomalies) };
  }
}
