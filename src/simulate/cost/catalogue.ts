/**
 * A small instance catalogue per cloud: vCPUs, memory and an on-demand hourly price (USD, Linux,
 * the provider's main US region, list prices as published in 2024–2025, rounded). It is meant to be
 * realistic in shape — sizes double, price scales with size, compute-optimised is cheaper per vCPU
 * and memory-optimised dearer — not a price list to bill from.
 *
 * Families: `general` (4 GiB/vCPU), `compute` (2 GiB/vCPU), `memory` (8 GiB/vCPU), `burstable`
 * (small shared-core types) and `gpu` (one accelerator per size; never a rightsizing target for a
 * CPU workload, and a GPU workload is only rightsized onto another GPU type).
 */
import type { InstanceFamily } from '../archetypes/index.js';

export type CloudProvider = 'aws' | 'azure' | 'gcp';
export const PROVIDERS: readonly CloudProvider[] = ['aws', 'azure', 'gcp'];

export interface InstanceType {
  provider: CloudProvider;
  name: string;
  family: InstanceFamily;
  vcpus: number;
  memoryGiB: number;
  hourlyUsd: number;
}

type Row = [name: string, family: InstanceFamily, vcpus: number, memoryGiB: number, hourlyUsd: number];

const AWS: Row[] = [
  ['t3.medium', 'burstable', 2, 4, 0.0416],
  ['t3.large', 'burstable', 2, 8, 0.0832],
  ['m6i.large', 'general', 2, 8, 0.096],
  ['m6i.xlarge', 'general', 4, 16, 0.192],
  ['m6i.2xlarge', 'general', 8, 32, 0.384],
  ['m6i.4xlarge', 'general', 16, 64, 0.768],
  ['m6i.8xlarge', 'general', 32, 128, 1.536],
  ['c6i.large', 'compute', 2, 4, 0.085],
  ['c6i.xlarge', 'compute', 4, 8, 0.17],
  ['c6i.2xlarge', 'compute', 8, 16, 0.34],
  ['c6i.4xlarge', 'compute', 16, 32, 0.68],
  ['c6i.8xlarge', 'compute', 32, 64, 1.36],
  ['r6i.large', 'memory', 2, 16, 0.126],
  ['r6i.xlarge', 'memory', 4, 32, 0.252],
  ['r6i.2xlarge', 'memory', 8, 64, 0.504],
  ['r6i.4xlarge', 'memory', 16, 128, 1.008],
  ['r6i.8xlarge', 'memory', 32, 256, 2.016],
  ['g5.xlarge', 'gpu', 4, 16, 1.006],
  ['g5.2xlarge', 'gpu', 8, 32, 1.212],
  ['g5.4xlarge', 'gpu', 16, 64, 1.624],
];

const AZURE: Row[] = [
  ['B2s', 'burstable', 2, 4, 0.0416],
  ['B2ms', 'burstable', 2, 8, 0.0832],
  ['D2s_v5', 'general', 2, 8, 0.096],
  ['D4s_v5', 'general', 4, 16, 0.192],
  ['D8s_v5', 'general', 8, 32, 0.384],
  ['D16s_v5', 'general', 16, 64, 0.768],
  ['D32s_v5', 'general', 32, 128, 1.536],
  ['F2s_v2', 'compute', 2, 4, 0.0846],
  ['F4s_v2', 'compute', 4, 8, 0.169],
  ['F8s_v2', 'compute', 8, 16, 0.338],
  ['F16s_v2', 'compute', 16, 32, 0.677],
  ['F32s_v2', 'compute', 32, 64, 1.353],
  ['E2s_v5', 'memory', 2, 16, 0.126],
  ['E4s_v5', 'memory', 4, 32, 0.252],
  ['E8s_v5', 'memory', 8, 64, 0.504],
  ['E16s_v5', 'memory', 16, 128, 1.008],
  ['E32s_v5', 'memory', 32, 256, 2.016],
  ['NC4as_T4_v3', 'gpu', 4, 28, 0.526],
  ['NC8as_T4_v3', 'gpu', 8, 56, 0.752],
  ['NC16as_T4_v3', 'gpu', 16, 110, 1.204],
];

const GCP: Row[] = [
  ['e2-medium', 'burstable', 2, 4, 0.0335],
  ['e2-standard-2', 'burstable', 2, 8, 0.067],
  ['n2-standard-2', 'general', 2, 8, 0.0971],
  ['n2-standard-4', 'general', 4, 16, 0.1942],
  ['n2-standard-8', 'general', 8, 32, 0.3885],
  ['n2-standard-16', 'general', 16, 64, 0.7769],
  ['n2-standard-32', 'general', 32, 128, 1.5539],
  ['c2d-highcpu-2', 'compute', 2, 4, 0.0742],
  ['c2d-highcpu-4', 'compute', 4, 8, 0.1484],
  ['c2d-highcpu-8', 'compute', 8, 16, 0.2967],
  ['c2d-highcpu-16', 'compute', 16, 32, 0.5935],
  ['c2d-highcpu-32', 'compute', 32, 64, 1.187],
  ['n2-highmem-2', 'memory', 2, 16, 0.1311],
  ['n2-highmem-4', 'memory', 4, 32, 0.2622],
  ['n2-highmem-8', 'memory', 8, 64, 0.5243],
  ['n2-highmem-16', 'memory', 16, 128, 1.0486],
  ['n2-highmem-32', 'memory', 32, 256, 2.0972],
  ['g2-standard-4', 'gpu', 4, 16, 0.7068],
  ['g2-standard-8', 'gpu', 8, 32, 0.8536],
  ['g2-standard-16', 'gpu', 16, 64, 1.1468],
];

function build(provider: CloudProvider, rows: Row[]): InstanceType[] {
  return rows.map(([name, family, vcpus, memoryGiB, hourlyUsd]) => ({
    provider,
    name,
    family,
    vcpus,
    memoryGiB,
    hourlyUsd,
  }));
}

export const INSTANCE_TYPES: readonly InstanceType[] = [
  ...build('aws', AWS),
  ...build('azure', AZURE),
  ...build('gcp', GCP),
];

/** The instance of `provider` and `family` with `vcpus` vCPUs (the nearest size if there is none). */
export function instanceFor(provider: CloudProvider, family: InstanceFamily, vcpus: number): InstanceType {
  const candidates = INSTANCE_TYPES.filter((t) => t.provider === provider && t.family === family);
  let best = candidates[0];
  for (const t of candidates) {
    if (best === undefined || Math.abs(t.vcpus - vcpus) < Math.abs(best.vcpus - vcpus)) best = t;
  }
  if (!best) throw new Error(`no ${family} instance for ${provider}`); // the table above has every pair
  return best;
}

/** Regions per provider with their standard-time UTC offset, for the local daily profile. */
export const REGIONS: Readonly<Record<CloudProvider, readonly { name: string; utcOffsetHours: number }[]>> = {
  aws: [
    { name: 'us-east-1', utcOffsetHours: -5 },
    { name: 'us-west-2', utcOffsetHours: -8 },
    { name: 'eu-west-1', utcOffsetHours: 0 },
    { name: 'eu-central-1', utcOffsetHours: 1 },
    { name: 'ap-southeast-1', utcOffsetHours: 8 },
  ],
  azure: [
    { name: 'eastus', utcOffsetHours: -5 },
    { name: 'westus2', utcOffsetHours: -8 },
    { name: 'westeurope', utcOffsetHours: 1 },
    { name: 'southeastasia', utcOffsetHours: 8 },
  ],
  gcp: [
    { name: 'us-central1', utcOffsetHours: -6 },
    { name: 'us-east1', utcOffsetHours: -5 },
    { name: 'europe-west1', utcOffsetHours: 1 },
    { name: 'asia-northeast1', utcOffsetHours: 9 },
  ],
};
