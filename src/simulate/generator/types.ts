import type { AnomalyWindow } from '../anomalies/types.js';
import type { Archetype, Environment } from '../archetypes/index.js';
import type { CloudProvider, InstanceType } from '../cost/catalogue.js';

/** Sample times: `rows` samples from `startMs`, `stepMs` apart (UTC epoch milliseconds). */
export interface TimeGrid {
  startMs: number;
  stepMs: number;
  rows: number;
}

/** Everything fixed about one resource before its series is generated. */
export interface ResourcePlan {
  index: number;
  id: string;
  archetype: Archetype;
  provider: CloudProvider;
  region: string;
  /** Standard-time offset of the region: the daily profile runs in local time. */
  utcOffsetHours: number;
  instance: InstanceType;
  environment: Environment;
  team: string;
  /** Long-run mean levels of this resource (before bursts, idle periods and anomalies). */
  cpuLevel: number;
  memoryLevel: number;
  networkInMbps: number;
  networkOutMbps: number;
  diskIops: number;
  /** Shift of the daily peak, in hours: resources of one archetype do not all peak together. */
  peakShiftHours: number;
  anomalies: AnomalyWindow[];
  /** Seed of the series stream (noise, bursts, idle periods). */
  seriesSeed: bigint;
}

/** A run of consecutive samples of one resource, as column arrays (no per-row objects). */
export interface MetricBatch {
  resource: ResourcePlan;
  length: number;
  timestampMs: Float64Array;
  cpu: Float64Array;
  memory: Float64Array;
  networkIn: Float64Array;
  networkOut: Float64Array;
  diskIops: Float64Array;
  isIdle: Uint8Array;
  /** 0 for none, else the code of the anomaly (see anomalies/types.ts). */
  anomaly: Uint8Array;
}

/** Counts of what the processes did, for tests and summaries (not derived from the output). */
export interface SeriesEvents {
  burstsStarted: number;
  longestBurstMs: number;
  idlePeriodsStarted: number;
  longestIdleMs: number;
}
