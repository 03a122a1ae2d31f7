/**
 * The rightsizing report: per resource, what it runs on, what each convention recommends (CPU and
 * memory needed, the instance that holds them) and the monthly saving — the list a FinOps review
 * starts from, and the function the dashboard will call. Rows come from the same recommendations
 * as `waste_pct`, so report and summary always agree.
 */
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import type { ResourceSummary } from '../fleet/resource.js';
import { partialPath } from '../output/csv.js';

/** Hours in an average month (8,760 / 12), as cloud price calculators use. */
export const HOURS_PER_MONTH = 730;

export interface RightsizingRow {
  resource_id: string;
  workload_type: string;
  cloud_provider: string;
  region: string;
  environment: string;
  team: string;
  instance_type: string;
  vcpus: number;
  memory_gib: number;
  hourly_cost: number;
  cpu_p995: number;
  memory_peak: number;
  recommended_vcpus: number;
  recommended_memory_gib: number;
  recommended_instance: string;
  monthly_saving_usd: number;
  aggressive_vcpus: number;
  aggressive_memory_gib: number;
  aggressive_instance: string;
  aggressive_monthly_saving_usd: number;
}

const round = (x: number, digits = 3): number => Math.round(x * 10 ** digits) / 10 ** digits;

export function rightsizingRow(resource: ResourceSummary): RightsizingRow {
  const { plan, conservative, aggressive } = resource;
  return {
    resource_id: plan.id,
    workload_type: plan.archetype.key,
    cloud_provider: plan.provider,
    region: plan.region,
    environment: plan.environment,
    team: plan.team,
    instance_type: plan.instance.name,
    vcpus: plan.instance.vcpus,
    memory_gib: plan.instance.memoryGiB,
    hourly_cost: plan.instance.hourlyUsd,
    cpu_p995: round(conservative.requirement.cpuPct),
    memory_peak: conservative.requirement.memoryPct,
    recommended_vcpus: round(conservative.requirement.vcpus),
    recommended_memory_gib: round(conservative.requirement.memoryGiB),
    recommended_instance: conservative.target.name,
    monthly_saving_usd: round(conservative.savingHourly * HOURS_PER_MONTH, 2),
    aggressive_vcpus: round(aggressive.requirement.vcpus),
    aggressive_memory_gib: round(aggressive.requirement.memoryGiB),
    aggressive_instance: aggressive.target.name,
    aggressive_monthly_saving_usd: round(aggressive.savingHourly * HOURS_PER_MONTH, 2),
  };
}

/** Every key once: the compiler checks it against RightsizingRow, so the CSV header cannot drift. */
const COLUMN_SET: Record<keyof RightsizingRow, true> = {
  resource_id: true,
  workload_type: true,
  cloud_provider: true,
  region: true,
  environment: true,
  team: true,
  instance_type: true,
  vcpus: true,
  memory_gib: true,
  hourly_cost: true,
  cpu_p995: true,
  memory_peak: true,
  recommended_vcpus: true,
  recommended_memory_gib: true,
  recommended_instance: true,
  monthly_saving_usd: true,
  aggressive_vcpus: true,
  aggressive_memory_gib: true,
  aggressive_instance: true,
  aggressive_monthly_saving_usd: true,
};
export const REPORT_COLUMNS = Object.keys(COLUMN_SET) as Array<keyof RightsizingRow>;

export interface RightsizingSummary {
  path: string;
  resources: number;
  overprovisioned: number;
  monthly_spend_usd: number;
  monthly_saving_usd: number;
  aggressive_monthly_saving_usd: number;
  /** The resources with the largest conservative saving (at most 10). */
  top: RightsizingRow[];
}

const TOP = 10;

/**
 * Streams the report to CSV (one row per resource, in fleet order) under a temporary name renamed
 * at the end, keeping only totals and the top savings in memory.
 */
export class RightsizingReport {
  private readonly temp: string;
  private readonly stream: WriteStream;
  private failure: Error | undefined;
  private readonly top: RightsizingRow[] = [];
  private resources = 0;
  private overprovisioned = 0;
  private spend = 0;
  private saving = 0;
  private savingAggressive = 0;

  constructor(readonly path: string) {
    this.temp = partialPath(path);
    this.stream = createWriteStream(this.temp);
    this.stream.on('error', (error) => {
      this.failure = error;
    });
    this.stream.write(`${REPORT_COLUMNS.join(',')}\n`);
  }

  async add(resource: ResourceSummary): Promise<void> {
    if (this.failure) throw this.failure;
    const row = rightsizingRow(resource);
    this.resources++;
    if (resource.overprovisioned) this.overprovisioned++;
    this.spend += row.hourly_cost * HOURS_PER_MONTH;
    this.saving += row.monthly_saving_usd;
    this.savingAggressive += row.aggressive_monthly_saving_usd;
    if (row.monthly_saving_usd > 0) {
      this.top.push(row);
      this.top.sort((a, b) => b.monthly_saving_usd - a.monthly_saving_usd);
      if (this.top.length > TOP) this.top.pop();
    }
    if (!this.stream.write(`${REPORT_COLUMNS.map((c) => row[c]).join(',')}\n`)) await once(this.stream, 'drain');
  }

  async finish(): Promise<RightsizingSummary> {
    if (this.failure) throw this.failure;
    this.stream.end();
    await once(this.stream, 'close');
    if (this.failure) throw this.failure;
    await rename(this.temp, this.path);
    return {
      path: this.path,
      resources: this.resources,
      overprovisioned: this.overprovisioned,
      monthly_spend_usd: round(this.spend, 2),
      monthly_saving_usd: round(this.saving, 2),
      aggressive_monthly_saving_usd: round(this.savingAggressive, 2),
      top: this.top,
    };
  }

  async abort(): Promise<void> {
    this.stream.destroy();
    await rm(this.temp, { force: true });
  }
}

/** The report of a fleet as rows, sorted by conservative saving (for the dashboard: small fleets). */
export function rightsizingRows(resources: Iterable<ResourceSummary>): RightsizingRow[] {
  return [...resources].map(rightsizingRow).sort((a, b) => b.monthly_saving_usd - a.monthly_saving_usd);
}
