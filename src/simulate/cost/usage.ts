/**
 * What rightsizing needs to know about one resource's usage, gathered in one pass with bounded
 * memory, with the lookbacks of the two conventions (facts §2):
 * - conservative (Compute Optimizer): the last 14 days — a fine CPU histogram (0.05-point bins, so
 *   any percentile is exact to 0.05 points without keeping the series), the memory peak, mean CPU;
 * - aggressive (VPA): a CPU histogram whose weights halve every 24 hours back from the end, and the
 *   memory peak of each UTC day of the last 8 days.
 * Samples must arrive in time order, as the generator produces them.
 */
const BIN_WIDTH = 0.05;
const BINS = Math.round(100 / BIN_WIDTH) + 1;
const DAY_MS = 86_400_000;
export const CONSERVATIVE_LOOKBACK_DAYS = 14;
export const MEMORY_PEAK_DAYS = 8;

function binOf(cpu: number): number {
  return Math.min(BINS - 1, Math.max(0, Math.floor(cpu / BIN_WIDTH)));
}

/** The value at quantile q of a histogram with total weight `total` (upper bin edge: never under-sized). */
function quantile(bins: ArrayLike<number>, total: number, q: number): number {
  if (total <= 0) return 0;
  const rank = q * total;
  let seen = 0;
  for (let bin = 0; bin < BINS; bin++) {
    seen += bins[bin] ?? 0;
    if (seen >= rank) return Math.min(100, (bin + 1) * BIN_WIDTH);
  }
  return 100;
}

export class UsageStats {
  private readonly cpuBins = new Uint32Array(BINS);
  private readonly decayedBins = new Float64Array(BINS);
  private decayedTotal = 0;
  private readonly dailyPeaks: number[] = [];
  private day = Number.NaN;
  private dayPeak = 0;
  private lastMs = Number.NaN;
  private lastWeight = 1;
  private lastStepMs = Number.NaN;
  private stepRatio = 1;
  private readonly windowStartMs: number;
  private readonly peakDaysStartMs: number;
  /** Samples inside the conservative window. */
  count = 0;
  cpuSum = 0;
  memoryPeak = 0;

  /** `endMs`: end of the series (exclusive); without it every sample counts fully. */
  constructor(private readonly endMs = Number.POSITIVE_INFINITY) {
    const bounded = Number.isFinite(endMs);
    this.windowStartMs = bounded ? endMs - CONSERVATIVE_LOOKBACK_DAYS * DAY_MS : Number.NEGATIVE_INFINITY;
    this.peakDaysStartMs = bounded ? endMs - MEMORY_PEAK_DAYS * DAY_MS : Number.NEGATIVE_INFINITY;
  }

  add(timestampMs: number, cpu: number, memory: number): void {
    const bin = binOf(cpu);
    const weight = this.decayWeight(timestampMs);
    this.decayedBins[bin] = (this.decayedBins[bin] ?? 0) + weight;
    this.decayedTotal += weight;
    if (timestampMs >= this.peakDaysStartMs) {
      const day = Math.floor(timestampMs / DAY_MS);
      if (day !== this.day) {
        if (!Number.isNaN(this.day)) this.dailyPeaks.push(this.dayPeak);
        this.day = day;
        this.dayPeak = memory;
      } else if (memory > this.dayPeak) this.dayPeak = memory;
    }
    if (timestampMs < this.windowStartMs) return;
    this.cpuBins[bin] = (this.cpuBins[bin] ?? 0) + 1;
    this.count++;
    this.cpuSum += cpu;
    if (memory > this.memoryPeak) this.memoryPeak = memory;
  }

  /**
   * 2^((t − end) / 1 day). Samples come on a regular grid, so each weight is the previous one times
   * a constant ratio: one power per grid step size instead of one per sample (it was the dearest
   * line of the whole pass).
   */
  private decayWeight(timestampMs: number): number {
    if (!Number.isFinite(this.endMs)) return 1;
    const step = timestampMs - this.lastMs;
    let weight: number;
    if (step === this.lastStepMs) weight = this.lastWeight * this.stepRatio;
    else {
      weight = 2 ** ((timestampMs - this.endMs) / DAY_MS);
      this.lastStepMs = step;
      this.stepRatio = 2 ** (step / DAY_MS);
    }
    this.lastMs = timestampMs;
    this.lastWeight = weight;
    return weight;
  }

  /** Mean CPU over the conservative window. */
  get cpuMean(): number {
    return this.count > 0 ? this.cpuSum / this.count : 0;
  }

  /** The q-quantile (0–1) of CPU over the conservative window. */
  cpuQuantile(q: number): number {
    return quantile(this.cpuBins, this.count, q);
  }

  /** The q-quantile of CPU with VPA's decaying weights (half-life one day). */
  cpuDecayedQuantile(q: number): number {
    return quantile(this.decayedBins, this.decayedTotal, q);
  }

  /** The q-quantile of the daily memory peaks of the last 8 days (nearest rank). */
  dailyPeakQuantile(q: number): number {
    const peaks = [...this.dailyPeaks, ...(Number.isNaN(this.day) ? [] : [this.dayPeak])].sort((a, b) => a - b);
    if (peaks.length === 0) return 0;
    const index = Math.min(peaks.length - 1, Math.max(0, Math.ceil(q * peaks.length) - 1));
    return peaks[index] ?? 0;
  }
}
