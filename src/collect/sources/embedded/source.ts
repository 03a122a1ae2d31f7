/**
 * The Istio query set computed in-process from scraped samples: the same label filters as
 * queries/istio.ts (destination reporter only; application containers only), rates from counter
 * deltas, and Prometheus' histogram quantile. Used when no Prometheus URL is configured.
 */
import { escapeRegex } from '../../prometheus/promql.js';
import { type Measurement, QUANTITIES, type Quantity } from '../../queries/types.js';
import { emptyResult, type MeasureRequest, type MetricsSource } from '../types.js';
import { histogramQuantile, latestValue, rateWithin, type StoredSeries, sumRates } from './rates.js';
import type { Scraper } from './scraper.js';

type Labels = Record<string, string>;

/** Instant selectors look back this far for the latest sample, as Prometheus does by default. */
const LOOKBACK_MS = 5 * 60_000;
const SIDECAR_OR_POD_LEVEL = new Set(['', 'POD', 'istio-proxy']);

export class EmbeddedSource implements MetricsSource {
  readonly kind = 'embedded' as const;
  readonly quantities: readonly Quantity[] = QUANTITIES;

  constructor(readonly scraper: Scraper) {}

  async discover(namespace: string): Promise<string[]> {
    return this.scraper.labelValues(
      'istio_requests_total',
      'destination_workload',
      (l) => l.reporter === 'destination' && l.destination_workload_namespace === namespace,
    );
  }

  async measure(request: MeasureRequest): Promise<Measurement> {
    const toMs = request.at * 1000;
    const fromMs = toMs - request.window * 1000;
    const destination = (l: Labels) =>
      l.reporter === 'destination' &&
      l.destination_workload === request.service &&
      l.destination_workload_namespace === request.namespace;
    const pods = new RegExp(`^${escapeRegex(request.service)}-[a-z0-9]+-[a-z0-9]+$`);
    const appContainer = (l: Labels) =>
      l.namespace === request.namespace && pods.test(l.pod ?? '') && !SIDECAR_OR_POD_LEVEL.has(l.container ?? '');

    const need = (quantity: Quantity, value: number | undefined): number => {
      if (value === undefined) throw this.explainEmpty(quantity, request);
      return value;
    };
    const durationSum = sumRates(
      this.scraper.select('istio_request_duration_milliseconds_sum', destination),
      fromMs,
      toMs,
    );
    const durationCount = sumRates(
      this.scraper.select('istio_request_duration_milliseconds_count', destination),
      fromMs,
      toMs,
    );
    const sum = need('response_time', durationSum);
    const count = need('response_time', durationCount);
    return {
      response_time: sum / count / 1000,
      response_time_p95: need('response_time_p95', this.quantile(0.95, destination, fromMs, toMs)) / 1000,
      throughput: need('throughput', sumRates(this.scraper.select('istio_requests_total', destination), fromMs, toMs)),
      cpu: need('cpu', sumRates(this.scraper.select('container_cpu_usage_seconds_total', appContainer), fromMs, toMs)),
      replicas: need(
        'replicas',
        this.sumLatest(
          this.scraper.select(
            'kube_deployment_status_replicas_available',
            (l) => l.namespace === request.namespace && l.deployment === request.service,
          ),
          toMs,
        ),
      ),
      cpu_request: need(
        'cpu_request',
        this.sumLatest(
          this.scraper.select('kube_pod_container_resource_requests', (l) => appContainer(l) && l.resource === 'cpu'),
          toMs,
        ),
      ),
    };
  }

  /** `histogram_quantile(q, sum by (le) (rate(bucket[w])))`. */
  private quantile(q: number, filter: (l: Labels) => boolean, fromMs: number, toMs: number): number | undefined {
    const byLe = new Map<number, number>();
    for (const series of this.scraper.select('istio_request_duration_milliseconds_bucket', filter)) {
      const rate = rateWithin(series, fromMs, toMs);
      if (rate === undefined) continue;
      const le = Number(series.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : series.labels.le);
      byLe.set(le, (byLe.get(le) ?? 0) + rate);
    }
    if (byLe.size === 0) return undefined;
    return histogramQuantile(q, [...byLe]);
  }

  private sumLatest(series: readonly StoredSeries[], atMs: number): number | undefined {
    let total: number | undefined;
    for (const s of series) {
      const value = latestValue(s, atMs, LOOKBACK_MS);
      if (value !== undefined) total = (total ?? 0) + value;
    }
    return total;
  }

  /** An empty result, with the scrape targets that are down (the usual reason) in the hint. */
  private explainEmpty(quantity: Quantity, request: MeasureRequest) {
    const down = this.scraper.targets().filter((t) => !t.up);
    if (down.length === 0) return emptyResult(quantity, request);
    const reasons = down.map((t) => `${t.url} (${t.lastError ?? 'not scraped yet'})`).join(', ');
    return emptyResult(quantity, request, undefined, `scrape target(s) down: ${reasons}`);
  }

  async close(): Promise<void> {
    await this.scraper.stop();
  }
}
