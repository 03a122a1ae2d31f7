/**
 * The embedded scraper: fetches each target's `/metrics` every interval and keeps the samples in
 * memory for a bounded time, so the collector can measure without a Prometheus server. Each sample
 * is stamped with the time its scrape started, as Prometheus does.
 */
import { errorMessage } from '../../../core/errors.js';
import { parseExposition } from './exposition.js';
import type { StoredSeries } from './rates.js';

export interface ScraperOptions {
  targets: string[];
  intervalMs: number;
  /** How long samples are kept (default 15 minutes). */
  retentionMs?: number;
  /** Per scrape (default: the interval, at most 10 s). */
  timeoutMs?: number;
}

export interface TargetHealth {
  url: string;
  up: boolean;
  lastError?: string;
  lastScrapeMs?: number;
}

function seriesKey(name: string, labels: Record<string, string>): string {
  return `${name}\u0000${Object.keys(labels)
    .sort()
    .map((k) => `${k}\u0001${labels[k]}`)
    .join('\u0000')}`;
}

export class Scraper {
  private readonly series = new Map<string, StoredSeries>();
  private readonly byName = new Map<string, Set<StoredSeries>>();
  private readonly health = new Map<string, TargetHealth>();
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private readonly retentionMs: number;
  private readonly timeoutMs: number;

  constructor(private readonly options: ScraperOptions) {
    this.retentionMs = options.retentionMs ?? 15 * 60_000;
    this.timeoutMs = options.timeoutMs ?? Math.min(options.intervalMs, 10_000);
    for (const url of options.targets) this.health.set(url, { url, up: false });
  }

  /** Scrapes once now, then every interval until `stop()`. */
  async start(): Promise<void> {
    await this.scrapeAll();
    this.timer = setInterval(() => {
      // A slow round is not overlapped by the next: that round is skipped, as Prometheus would.
      if (!this.inFlight) this.inFlight = this.scrapeAll().finally(() => (this.inFlight = undefined));
    }, this.options.intervalMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.inFlight;
  }

  targets(): TargetHealth[] {
    return [...this.health.values()].map((h) => ({ ...h }));
  }

  /** Series of metric `name` whose labels pass `filter`. */
  select(name: string, filter: (labels: Record<string, string>) => boolean = () => true): StoredSeries[] {
    return [...(this.byName.get(name) ?? [])].filter((s) => filter(s.labels));
  }

  /** Distinct values of `label` on series of `name` that pass `filter`. */
  labelValues(name: string, label: string, filter?: (labels: Record<string, string>) => boolean): string[] {
    const values = new Set<string>();
    for (const s of this.select(name, filter)) {
      const value = s.labels[label];
      if (value !== undefined && value !== '') values.add(value);
    }
    return [...values].sort();
  }

  /** Scrapes every target once (also used by tests to step time by hand). */
  async scrapeAll(): Promise<void> {
    const started = Date.now();
    await Promise.all(this.options.targets.map((url) => this.scrape(url, started)));
    this.prune(started - this.retentionMs);
  }

  private async scrape(url: string, stampMs: number): Promise<void> {
    const health = this.health.get(url)!;
    health.lastScrapeMs = stampMs;
    try {
      const response = await fetch(url, {
        headers: { accept: 'text/plain;version=0.0.4' },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const samples = parseExposition(await response.text(), url);
      for (const sample of samples) this.store(sample.name, sample.labels, stampMs, sample.value);
      health.up = true;
      delete health.lastError;
    } catch (error) {
      health.up = false;
      const cause = (error as { cause?: unknown }).cause;
      health.lastError = cause ? errorMessage(cause) : errorMessage(error);
    }
  }

  private store(name: string, labels: Record<string, string>, timeMs: number, value: number): void {
    const key = seriesKey(name, labels);
    let series = this.series.get(key);
    if (!series) {
      series = { name, labels, points: [] };
      this.series.set(key, series);
      let named = this.byName.get(name);
      if (!named) {
        named = new Set();
        this.byName.set(name, named);
      }
      named.add(series);
    }
    series.points.push([timeMs, value]);
  }

  private prune(beforeMs: number): void {
    for (const series of this.series.values()) {
      let drop = 0;
      while (drop < series.points.length && series.points[drop]![0] < beforeMs) drop++;
      if (drop > 0) series.points.splice(0, drop);
    }
  }
}
