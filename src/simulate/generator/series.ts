/**
 * One resource's series, generated in consecutive batches with all state carried between them, so
 * a resource of any length streams in bounded memory and batch size never changes the numbers.
 *
 * Per sample: profile(t) × log-normal AR(1) noise (five metrics, innovations correlated through the
 * archetype's Cholesky factor) → bursts and idle periods (continuous-time processes, so any sampling
 * interval sees the same process) → anomalies → clamping and rounding → derived idle flag.
 * Values are point samples of the process at each timestamp, as a scrape of a gauge would be.
 */
import { applyAnomaly } from '../anomalies/effects.js';
import { Rng } from '../random/prng.js';
import { cholesky } from './cholesky.js';
import { Profile } from './profile.js';
import type { MetricBatch, ResourcePlan, SeriesEvents, TimeGrid } from './types.js';

const REFERENCE_STEP_MS = 300_000;
const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

/** A sample is idle when CPU is under this (percent) … */
export const IDLE_CPU_PCT = 2;
/** … and network in + out under this (Mbps). */
export const IDLE_NETWORK_MBPS = 1;

const factorCache = new Map<string, Float64Array>();
function factorFor(plan: ResourcePlan): Float64Array {
  let factor = factorCache.get(plan.archetype.key);
  if (!factor) {
    factor = cholesky(plan.archetype.correlation);
    factorCache.set(plan.archetype.key, factor);
  }
  return factor;
}

const WEEK_MS = 7 * DAY_MS;
const MAX_TABLE = 100_800; // one week at 6 s

/**
 * The profile repeats every week, so when the step divides a week its values at sample k are a
 * table indexed by k mod (week / step): computed once instead of per sample.
 */
function profileTable(profile: Profile, grid: TimeGrid): Float64Array | undefined {
  if (WEEK_MS % grid.stepMs !== 0) return undefined;
  const period = WEEK_MS / grid.stepMs;
  if (period > MAX_TABLE || period > grid.rows) return undefined;
  const table = new Float64Array(period);
  for (let k = 0; k < period; k++) table[k] = profile.at(grid.startMs + k * grid.stepMs);
  return table;
}

export class SeriesGenerator {
  readonly events: SeriesEvents = { burstsStarted: 0, longestBurstMs: 0, idlePeriodsStarted: 0, longestIdleMs: 0 };
  private readonly rng: Rng;
  private readonly profile: Profile;
  private readonly lower: Float64Array;
  private readonly phi = new Float64Array(5);
  private readonly innovationScale = new Float64Array(5);
  private readonly sigma = new Float64Array(5);
  private readonly level = new Float64Array(5);
  private readonly z = new Float64Array(5);
  private readonly eps = new Float64Array(5);
  private readonly v = new Float64Array(5);
  private readonly profileTable: Float64Array | undefined;
  private next = 0;
  private nextBurstMs: number;
  private burstEndMs = Number.NEGATIVE_INFINITY;
  private burstAmp = 0;
  private nextIdleMs: number;
  private idleEndMs = Number.NEGATIVE_INFINITY;
  private anomalyIndex = 0;

  constructor(
    private readonly plan: ResourcePlan,
    private readonly grid: TimeGrid,
  ) {
    const a = plan.archetype;
    this.rng = new Rng(plan.seriesSeed);
    this.profile = new Profile(a, plan.utcOffsetHours, plan.peakShiftHours);
    this.lower = factorFor(plan);
    // The archetype's phi is per 5 minutes; phi^(step/5 min) samples the same continuous process.
    const exponent = grid.stepMs / REFERENCE_STEP_MS;
    const phis = [a.noise.phi, a.noise.memoryPhi, a.noise.phi, a.noise.phi, a.noise.phi];
    const levels = [plan.cpuLevel, plan.memoryLevel, plan.networkInMbps, plan.networkOutMbps, plan.diskIops];
    for (let m = 0; m < 5; m++) {
      const phi = (phis[m] ?? 0) ** exponent;
      const sigma = a.noise.sigma[m] ?? 0;
      this.phi[m] = phi;
      this.innovationScale[m] = Math.sqrt(1 - phi * phi);
      this.sigma[m] = sigma;
      // exp(σz − σ²/2) has mean 1 for standard normal z: the level stays the mean.
      this.level[m] = (levels[m] ?? 0) * Math.exp((-sigma * sigma) / 2);
    }
    this.correlatedNormals();
    this.z.set(this.eps); // start in the stationary distribution: no warm-up transient
    this.profileTable = profileTable(this.profile, grid);
    this.nextBurstMs = this.gap(a.bursts.perDay, grid.startMs);
    this.nextIdleMs = this.gap(a.idle.perDay, grid.startMs);
  }

  /** Rows not yet generated. */
  get remaining(): number {
    return this.grid.rows - this.next;
  }

  /** Generates the next `min(size, remaining)` samples as a fresh batch. */
  nextBatch(size: number): MetricBatch {
    const n = Math.max(0, Math.min(size, this.remaining));
    const batch: MetricBatch = {
      resource: this.plan,
      length: n,
      timestampMs: new Float64Array(n),
      cpu: new Float64Array(n),
      memory: new Float64Array(n),
      networkIn: new Float64Array(n),
      networkOut: new Float64Array(n),
      diskIops: new Float64Array(n),
      isIdle: new Uint8Array(n),
      anomaly: new Uint8Array(n),
    };
    this.fill(batch);
    return batch;
  }

  /**
   * The hot loop. State lives in local numbers for its duration (no per-row objects, no typed-array
   * reads of parameters), and is written back at the end so the next batch continues seamlessly.
   */
  private fill(batch: MetricBatch): void {
    const plan = this.plan;
    const a = plan.archetype;
    const relative = a.bursts.relative;
    const memoryProfile = a.memoryProfile;
    const cpuLevel = plan.cpuLevel;
    const { startMs, stepMs } = this.grid;
    const [l0, , , , , l5, l6, , , , l10, l11, l12, , , l15, l16, l17, l18, , l20, l21, l22, l23, l24] = this.lower;
    const [p0, p1, p2, p3, p4] = this.phi;
    const [s0, s1, s2, s3, s4] = this.innovationScale;
    const [g0, g1, g2, g3, g4] = this.sigma;
    const [v0, v1, v2, v3, v4] = this.level;
    let [z0, z1, z2, z3, z4] = this.z;
    const table = this.profileTable;
    const v = this.v;
    const rng = this.rng;
    for (let i = 0; i < batch.length; i++) {
      const k = this.next++;
      const t = startMs + k * stepMs;
      const p = table ? (table[k % table.length] ?? 1) : this.profile.at(t);
      const e0 = rng.normal();
      const e1 = rng.normal();
      const e2 = rng.normal();
      const e3 = rng.normal();
      const e4 = rng.normal();
      z0 = p0! * z0! + s0! * (l0! * e0);
      z1 = p1! * z1! + s1! * (l5! * e0 + l6! * e1);
      z2 = p2! * z2! + s2! * (l10! * e0 + l11! * e1 + l12! * e2);
      z3 = p3! * z3! + s3! * (l15! * e0 + l16! * e1 + l17! * e2 + l18! * e3);
      z4 = p4! * z4! + s4! * (l20! * e0 + l21! * e1 + l22! * e2 + l23! * e3 + l24! * e4);
      let cpu = v0! * p * Math.exp(g0! * z0);
      let memory = v1! * (1 + memoryProfile * (p - 1)) * Math.exp(g1! * z1);
      let netIn = v2! * p * Math.exp(g2! * z2);
      let netOut = v3! * p * Math.exp(g3! * z3);
      let disk = v4! * p * Math.exp(g4! * z4);

      // Both processes advance at every sample, so one never shifts the other's random draws.
      const idle = this.inIdle(t);
      const burst = this.inBurst(t);
      if (idle) {
        // Contiguous idle period: near-zero CPU and traffic; resident memory stays.
        cpu = 0.2 + 0.6 * Math.min(1, cpu / (cpuLevel * 3));
        netIn = Math.min(netIn * 0.01, 0.2);
        netOut = Math.min(netOut * 0.01, 0.2);
        disk *= 0.02;
      } else if (burst) {
        const amp = relative ? this.burstAmp * cpuLevel * p : this.burstAmp;
        const boost = amp / (cpuLevel * p + 5);
        cpu += amp;
        memory += amp * 0.1;
        netIn *= 1 + 0.5 * boost;
        netOut *= 1 + 0.5 * boost;
        disk *= 1 + 0.3 * boost;
      }

      const anomaly = this.anomalyAt(t);
      if (anomaly > 0) {
        const window = plan.anomalies[this.anomalyIndex];
        if (window) {
          v[0] = cpu;
          v[1] = memory;
          v[2] = netIn;
          v[3] = netOut;
          v[4] = disk;
          applyAnomaly(window, t, v);
          cpu = v[0] ?? cpu;
          memory = v[1] ?? memory;
          netIn = v[2] ?? netIn;
          netOut = v[3] ?? netOut;
          disk = v[4] ?? disk;
        }
      }

      cpu = Math.round(Math.min(100, Math.max(0, cpu)) * 100) / 100;
      netIn = Math.round(Math.max(0, netIn) * 1000) / 1000;
      netOut = Math.round(Math.max(0, netOut) * 1000) / 1000;
      batch.timestampMs[i] = t;
      batch.cpu[i] = cpu;
      batch.memory[i] = Math.round(Math.min(100, Math.max(0.5, memory)) * 100) / 100;
      batch.networkIn[i] = netIn;
      batch.networkOut[i] = netOut;
      batch.diskIops[i] = Math.round(Math.max(0, disk) * 10) / 10;
      batch.isIdle[i] = cpu < IDLE_CPU_PCT && netIn + netOut < IDLE_NETWORK_MBPS ? 1 : 0;
      batch.anomaly[i] = anomaly;
    }
    this.z.set([z0!, z1!, z2!, z3!, z4!]);
  }

  /** Five normals correlated through the archetype's Cholesky factor (the stationary start). */
  private correlatedNormals(): void {
    const e = [this.rng.normal(), this.rng.normal(), this.rng.normal(), this.rng.normal(), this.rng.normal()];
    for (let i = 0; i < 5; i++) {
      let sum = 0;
      for (let j = 0; j <= i; j++) sum += (this.lower[i * 5 + j] ?? 0) * (e[j] ?? 0);
      this.eps[i] = sum;
    }
  }

  /** Time of the next event of a Poisson process with `perDay` events a day after `from`. */
  private gap(perDay: number, from: number): number {
    return perDay > 0 ? from + this.rng.exponential(DAY_MS / perDay) : Number.POSITIVE_INFINITY;
  }

  /** Advances the burst process to `t`; bursts falling wholly between two samples are never seen. */
  private inBurst(t: number): boolean {
    const b = this.plan.archetype.bursts;
    while (this.nextBurstMs <= t) {
      const start = this.nextBurstMs;
      const length = Math.min(b.maxMinutes * MINUTE_MS, this.rng.exponential(b.meanMinutes * MINUTE_MS));
      const u = this.rng.uniform();
      // Skewed towards small bursts; never above the cap.
      this.burstAmp = b.min + (b.max - b.min) * u * u;
      this.burstEndMs = start + length;
      this.events.burstsStarted++;
      if (length > this.events.longestBurstMs) this.events.longestBurstMs = length;
      this.nextBurstMs = this.gap(b.perDay, this.burstEndMs);
    }
    return t < this.burstEndMs;
  }

  private inIdle(t: number): boolean {
    const idle = this.plan.archetype.idle;
    while (this.nextIdleMs <= t) {
      const start = this.nextIdleMs;
      const length = Math.min(idle.maxHours * HOUR_MS, this.rng.exponential(idle.meanHours * HOUR_MS));
      this.idleEndMs = start + length;
      this.events.idlePeriodsStarted++;
      if (length > this.events.longestIdleMs) this.events.longestIdleMs = length;
      this.nextIdleMs = this.gap(idle.perDay, this.idleEndMs);
    }
    return t < this.idleEndMs;
  }

  /** The code of the anomaly covering `t`, or 0 (windows are sorted and disjoint). */
  private anomalyAt(t: number): number {
    const windows = this.plan.anomalies;
    let window = windows[this.anomalyIndex];
    while (window && window.endMs <= t) window = windows[++this.anomalyIndex];
    return window && t >= window.startMs ? window.code : 0;
  }
}
