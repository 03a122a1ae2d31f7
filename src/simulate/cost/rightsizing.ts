/**
 * Waste = the share of a resource's spend that moving to the cheapest catalogue instance able to
 * hold its observed usage would save (facts §2). Two conventions:
 * - conservative (AWS Compute Optimizer style, the headline `waste_pct`): over the last 14 days,
 *   CPU P99.5 + 20% headroom, memory peak + 20%, whole instance types;
 * - aggressive (Kubernetes VPA style): CPU P90 of a histogram decaying with a 24-hour half-life
 *   + 15%, memory P90 of the daily peaks of the last 8 days + 15%, with VPA's floors (25
 *   millicores, 250 MiB), still rounded up to a whole instance type.
 * Both look only at the simulated usage: waste is never drawn as a random number of its own.
 */
import { INSTANCE_TYPES, type InstanceType } from './catalogue.js';
import type { UsageStats } from './usage.js';

export type Convention = 'conservative' | 'aggressive';

export interface Requirement {
  /** The usage figures sized on, in percent of the current instance (CPU percentile, memory peak). */
  cpuPct: number;
  memoryPct: number;
  vcpus: number;
  memoryGiB: number;
  /** Mean CPU demand in vCPUs: a burstable type must sustain it within its baseline. */
  meanVcpus: number;
}

/**
 * Share of each vCPU a burstable type sustains without running out of credits (t3.medium,
 * B2s: 20%). A workload whose mean demand is above it would throttle, so it is not a target.
 */
export const BURSTABLE_BASELINE = 0.2;

export interface Recommendation {
  convention: Convention;
  requirement: Requirement;
  target: InstanceType;
  /** Hourly saving of moving from the current instance to `target` (0 when nothing cheaper fits). */
  savingHourly: number;
  /** savingHourly ÷ current price, in percent. */
  wastePct: number;
}

export function requirementFor(stats: UsageStats, current: InstanceType, convention: Convention): Requirement {
  const meanVcpus = (stats.cpuMean / 100) * current.vcpus;
  if (convention === 'conservative') {
    const cpuPct = stats.cpuQuantile(0.995);
    const memoryPct = stats.memoryPeak;
    return {
      cpuPct,
      memoryPct,
      meanVcpus,
      vcpus: (cpuPct / 100) * current.vcpus * 1.2,
      memoryGiB: (memoryPct / 100) * current.memoryGiB * 1.2,
    };
  }
  const cpuPct = stats.cpuDecayedQuantile(0.9);
  const memoryPct = stats.dailyPeakQuantile(0.9);
  return {
    cpuPct,
    memoryPct,
    meanVcpus,
    vcpus: Math.max(0.025, (cpuPct / 100) * current.vcpus * 1.15),
    memoryGiB: Math.max(250 / 1024, (memoryPct / 100) * current.memoryGiB * 1.15),
  };
}

/**
 * The cheapest instance of the same provider that holds `need`. GPU workloads stay on GPU types and
 * CPU workloads on CPU types: swapping one for the other is a re-architecture, not a rightsizing.
 */
export function cheapestFit(
  current: InstanceType,
  need: Pick<Requirement, 'vcpus' | 'memoryGiB' | 'meanVcpus'>,
): InstanceType {
  const gpu = current.family === 'gpu';
  let best = current;
  for (const t of INSTANCE_TYPES) {
    if (t.provider !== current.provider || (t.family === 'gpu') !== gpu) continue;
    if (t.vcpus < need.vcpus || t.memoryGiB < need.memoryGiB) continue;
    if (t.family === 'burstable' && need.meanVcpus > BURSTABLE_BASELINE * t.vcpus) continue;
    if (t.hourlyUsd < best.hourlyUsd) best = t;
  }
  return best;
}

export function recommend(stats: UsageStats, current: InstanceType, convention: Convention): Recommendation {
  const requirement = requirementFor(stats, current, convention);
  const target = cheapestFit(current, requirement);
  const savingHourly = Math.max(0, current.hourlyUsd - target.hourlyUsd);
  return { convention, requirement, target, savingHourly, wastePct: (savingHourly / current.hourlyUsd) * 100 };
}
