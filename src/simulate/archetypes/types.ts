/**
 * What one workload archetype is: the documented parameters the generator draws a resource from.
 * Levels are percentages of the instance (CPU, memory) or absolute (network Mbps, disk IOPS).
 * Every number here is a parameter of a stochastic process, never a target copied into the output.
 */

/** The five correlated metrics, in the order of every vector and matrix below. */
export const METRICS = ['cpu', 'memory', 'network_in', 'network_out', 'disk_iops'] as const;
export type MetricName = (typeof METRICS)[number];

export type InstanceFamily = 'general' | 'compute' | 'memory' | 'burstable' | 'gpu';
export type Environment = 'production' | 'staging' | 'development';

export interface Archetype {
  /** The key used in `--mix` and in the `workload_type` column. */
  key: string;
  label: string;
  description: string;
  /**
   * Per-resource mean level: a resource's long-run mean is drawn log-normally with this median and
   * log-space spread, so resource means spread out smoothly (unimodal, right-skewed) across a fleet.
   */
  cpu: { median: number; spread: number };
  memory: { median: number; spread: number };
  /** Mean Mbps and IOPS of a resource at its mean CPU (drawn with the same log-normal spread as CPU). */
  networkInMbps: number;
  networkOutMbps: number;
  diskIops: number;
  /**
   * Daily cycle in the resource's local time: relative amplitude of the first two harmonics and the
   * local hour of the peak. `amplitude` 0 means no daily cycle.
   */
  daily: { amplitude: number; peakHour: number; second: number };
  /** Level on Saturday and Sunday relative to weekdays (1: no weekly cycle). Ramps are smooth. */
  weekendFactor: number;
  /** How strongly memory follows the daily/weekly profile (0: flat, 1: as much as CPU). */
  memoryProfile: number;
  /**
   * AR(1) noise, log-space: `phi` is the lag-1 coefficient of the latent process at a 5-minute step
   * (other steps use phi^(step/5 min), the same continuous process sampled differently); `sigma` is
   * its stationary standard deviation per metric (CPU, memory, network in, network out, disk).
   */
  noise: { phi: number; memoryPhi: number; sigma: readonly [number, number, number, number, number] };
  /**
   * Correlation of the five metrics' innovations (symmetric, positive definite; factored by
   * Cholesky once per archetype). Signs are documented per archetype and checked by the tests.
   */
  correlation: readonly (readonly number[])[];
  /**
   * Bursts: a Poisson process in continuous time (`perDay`), each lasting an exponential time with
   * mean `meanMinutes`, capped at `maxMinutes`. Amplitude drawn in [min, max] (capped): with
   * `relative`, multiples of the current load added to it (a traffic surge); otherwise CPU points
   * added (a job that grabs the machine: builds, batch steps).
   */
  bursts: { perDay: number; min: number; max: number; relative: boolean; meanMinutes: number; maxMinutes: number };
  /** Idle periods: contiguous spans at near-zero CPU and network, Poisson in time, capped length. */
  idle: { perDay: number; meanHours: number; maxHours: number };
  /** The instance family and vCPU sizes a resource of this archetype runs on. */
  instance: { family: InstanceFamily; vcpus: readonly number[] };
  /** Weights of production / staging / development. */
  environments: readonly [number, number, number];
  /** Expected lag-1 autocorrelation of 5-minute CPU (documentation; the tests measure it). */
  expectedLag1: number;
}
