/**
 * Who is in the fleet. Archetype counts follow the mix exactly (largest remainder), shuffled by the
 * fleet stream; everything else about resource i comes from its own stream (seed, i), so a resource
 * is the same whatever the fleet size around it — and plans are made one at a time, never all held.
 */
import { planAnomalies } from '../anomalies/plan.js';
import { ARCHETYPES, type Archetype, type Environment } from '../archetypes/index.js';
import { type CloudProvider, instanceFor, PROVIDERS, REGIONS } from '../cost/catalogue.js';
import type { ResourcePlan } from '../generator/types.js';
import { deriveSeed, Rng, Streams, streamFor } from '../random/prng.js';
import type { FleetSpec } from './spec.js';

const PROVIDER_WEIGHTS = [0.5, 0.25, 0.25];
const ENVIRONMENTS: readonly Environment[] = ['production', 'staging', 'development'];
const TEAMS = ['checkout', 'payments', 'search', 'platform', 'data', 'ml', 'identity', 'growth', 'infra', 'mobile'];

/** Archetype index (into ARCHETYPES) of every resource, as one small typed array. */
export function assignArchetypes(spec: FleetSpec): Uint8Array {
  const shares = ARCHETYPES.map((a) => (spec.mix[a.key] ?? 0) * spec.fleet);
  const counts = shares.map((s) => Math.floor(s));
  let left = spec.fleet - counts.reduce((x, y) => x + y, 0);
  const order = shares.map((s, i) => [s - Math.floor(s), i] as const).sort((x, y) => y[0] - x[0] || x[1] - y[1]);
  for (const [, i] of order) {
    if (left <= 0) break;
    counts[i] = (counts[i] ?? 0) + 1;
    left--;
  }
  const assigned = new Uint8Array(spec.fleet);
  let k = 0;
  counts.forEach((count, archetype) => {
    for (let c = 0; c < count; c++) assigned[k++] = archetype;
  });
  const rng = new Rng(deriveSeed(spec.seed, Streams.fleet, 0));
  for (let i = assigned.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const tmp = assigned[i] ?? 0;
    assigned[i] = assigned[j] ?? 0;
    assigned[j] = tmp;
  }
  return assigned;
}

function logNormal(rng: Rng, median: number, spread: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, median * Math.exp(spread * rng.normal())));
}

export function planResource(spec: FleetSpec, index: number, archetype: Archetype): ResourcePlan {
  const rng = streamFor(spec.seed, Streams.resource, index);
  const provider = PROVIDERS[rng.pick(PROVIDER_WEIGHTS)] as CloudProvider;
  const regions = REGIONS[provider];
  const region = regions[rng.int(regions.length)] ?? regions[0];
  const sizes = archetype.instance.vcpus;
  const instance = instanceFor(provider, archetype.instance.family, sizes[rng.int(sizes.length)] ?? 2);
  const environment = ENVIRONMENTS[rng.pick(archetype.environments)] ?? 'production';
  const team = TEAMS[rng.int(TEAMS.length)] ?? 'platform';
  const cpuLevel = logNormal(rng, archetype.cpu.median, archetype.cpu.spread, 0.3, 90);
  const memoryLevel = logNormal(rng, archetype.memory.median, archetype.memory.spread, 1, 90);
  const scale = Math.exp(0.4 * rng.normal());
  const plan: ResourcePlan = {
    index,
    id: `${archetype.key}-${String(index).padStart(6, '0')}`,
    archetype,
    provider,
    region: region?.name ?? 'unknown',
    utcOffsetHours: region?.utcOffsetHours ?? 0,
    instance,
    environment,
    team,
    cpuLevel,
    memoryLevel,
    // Traffic and IO scale with the resource's size of load, with their own spread.
    networkInMbps: archetype.networkInMbps * scale * Math.exp(0.3 * rng.normal()),
    networkOutMbps: archetype.networkOutMbps * scale * Math.exp(0.3 * rng.normal()),
    diskIops: archetype.diskIops * Math.exp(0.5 * rng.normal()),
    peakShiftHours: rng.normal(),
    anomalies: [],
    seriesSeed: deriveSeed(spec.seed, Streams.series, index),
  };
  if (spec.anomalyRate > 0) {
    plan.anomalies = planAnomalies(
      streamFor(spec.seed, Streams.anomalies, index),
      spec.startMs,
      spec.startMs + spec.rowsPerResource * spec.stepMs,
      spec.anomalyRate,
    );
  }
  return plan;
}
