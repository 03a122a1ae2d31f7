/**
 * The service's Prometheus metrics, on a registry of its own (two apps in one process, as in tests,
 * never collide). Every metric declared here is updated somewhere in src/serve and checked by
 * test/serve/metrics.test.ts; METRIC_NAMES is the list a Grafana dashboard is checked against.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export const METRIC_NAMES = [
  'fleetcast_http_requests_total',
  'fleetcast_http_request_duration_seconds',
  'fleetcast_http_requests_in_flight',
  'fleetcast_inference_duration_seconds',
  'fleetcast_batch_size',
  'fleetcast_predictions_total',
  'fleetcast_cache_hits_total',
  'fleetcast_cache_misses_total',
  'fleetcast_cache_errors_total',
  'fleetcast_cache_degraded',
  'fleetcast_jobs',
  'fleetcast_job_items_total',
  'fleetcast_model_info',
  'fleetcast_models_loaded',
  'fleetcast_model_swaps_total',
  'fleetcast_feedback_total',
  'fleetcast_api_keys',
  'fleetcast_drift_psi',
  'fleetcast_shadow_agreement_ratio',
] as const;

export type MetricName = (typeof METRIC_NAMES)[number];

export const JOB_STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;

const LATENCY_BUCKETS = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];
const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

export class ServeMetrics {
  readonly registry = new Registry();
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  readonly httpDuration: Histogram<'method' | 'route'>;
  readonly httpInFlight: Gauge;
  readonly inferenceDuration: Histogram<'model'>;
  readonly batchSize: Histogram<'model'>;
  readonly predictions: Counter<'model' | 'outcome'>;
  readonly cacheHits: Counter<'model'>;
  readonly cacheMisses: Counter<'model'>;
  readonly cacheErrors: Counter;
  readonly cacheDegraded: Gauge;
  readonly jobs: Gauge<'status'>;
  readonly jobItems: Counter<'outcome'>;
  readonly modelInfo: Gauge<'model' | 'version' | 'flavor' | 'reference'>;
  readonly modelsLoaded: Gauge;
  readonly modelSwaps: Counter<'model'>;
  readonly feedback: Counter<'model'>;
  readonly apiKeys: Gauge;
  readonly driftPsi: Gauge<'model' | 'feature'>;
  readonly shadowAgreement: Gauge<'model' | 'shadow_version'>;

  /**
   * `countJobs` is asked at scrape time (the job table, not this replica, knows every job), and so
   * is `cacheDegraded`.
   */
  constructor(
    options: {
      countJobs?: () => Promise<Record<string, number>>;
      cacheDegraded?: () => boolean;
      /** PSI per model and feature (each input feature, and `(prediction)`), read at scrape time. */
      drift?: () => Array<{ model: string; feature: string; psi: number }>;
      /** Agreement of each model's shadow version with it, read at scrape time. */
      shadow?: () => Array<{ model: string; shadowVersion: number; rate: number }>;
    } = {},
  ) {
    const registers = [this.registry];
    this.httpRequests = new Counter({
      name: 'fleetcast_http_requests_total',
      help: 'HTTP requests answered, by method, route template and status code',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.httpDuration = new Histogram({
      name: 'fleetcast_http_request_duration_seconds',
      help: 'time from request received to response sent, by method and route template',
      labelNames: ['method', 'route'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.httpInFlight = new Gauge({
      name: 'fleetcast_http_requests_in_flight',
      help: 'requests being handled now',
      registers,
    });
    this.inferenceDuration = new Histogram({
      name: 'fleetcast_inference_duration_seconds',
      help: "time the model's predict took for one batch",
      labelNames: ['model'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.batchSize = new Histogram({
      name: 'fleetcast_batch_size',
      help: 'inputs per batch handed to the model by the dynamic batcher',
      labelNames: ['model'],
      buckets: BATCH_BUCKETS,
      registers,
    });
    this.predictions = new Counter({
      name: 'fleetcast_predictions_total',
      help: 'inputs predicted (ok) or refused by the model (error), over the v1 and v2 APIs',
      labelNames: ['model', 'outcome'],
      registers,
    });
    this.cacheHits = new Counter({
      name: 'fleetcast_cache_hits_total',
      help: 'predictions answered from the cache',
      labelNames: ['model'],
      registers,
    });
    this.cacheMisses = new Counter({
      name: 'fleetcast_cache_misses_total',
      help: 'predictions not in the cache',
      labelNames: ['model'],
      registers,
    });
    this.cacheErrors = new Counter({
      name: 'fleetcast_cache_errors_total',
      help: 'cache operations that failed (Redis down): the request was served uncached',
      registers,
    });
    this.cacheDegraded = new Gauge({
      name: 'fleetcast_cache_degraded',
      help: '1 while the shared cache is unreachable and requests are served uncached',
      registers,
      collect: options.cacheDegraded
        ? () => {
            this.cacheDegraded.set(options.cacheDegraded!() ? 1 : 0);
          }
        : undefined,
    });
    this.jobs = new Gauge({
      name: 'fleetcast_jobs',
      help: 'async prediction jobs in the job store, by status',
      labelNames: ['status'],
      registers,
      collect: options.countJobs
        ? async () => {
            const counts = await options.countJobs!().catch(() => undefined);
            if (!counts) return;
            for (const status of JOB_STATUSES) this.jobs.set({ status }, counts[status] ?? 0);
          }
        : undefined,
    });
    this.jobItems = new Counter({
      name: 'fleetcast_job_items_total',
      help: 'job inputs processed by this replica, by outcome (ok, error)',
      labelNames: ['outcome'],
      registers,
    });
    this.modelInfo = new Gauge({
      name: 'fleetcast_model_info',
      help: 'the version each served model answers with now (value 1)',
      labelNames: ['model', 'version', 'flavor', 'reference'],
      registers,
    });
    this.modelsLoaded = new Gauge({
      name: 'fleetcast_models_loaded',
      help: 'model versions held in memory (served ones and versions asked for by number or alias)',
      registers,
    });
    this.modelSwaps = new Counter({
      name: 'fleetcast_model_swaps_total',
      help: 'hot swaps: an alias moved and the new version took over',
      labelNames: ['model'],
      registers,
    });
    this.feedback = new Counter({
      name: 'fleetcast_feedback_total',
      help: 'feedback records stored',
      labelNames: ['model'],
      registers,
    });
    this.apiKeys = new Gauge({
      name: 'fleetcast_api_keys',
      help: 'API keys in force now, from the configuration, the keys file and the keys table',
      registers,
    });
    this.driftPsi = new Gauge({
      name: 'fleetcast_drift_psi',
      help: "population stability index of an input feature or of the prediction, the served version's recent window against its first predictions",
      labelNames: ['model', 'feature'],
      registers,
      collect: options.drift
        ? () => {
            this.driftPsi.reset();
            for (const { model, feature, psi } of options.drift!()) this.driftPsi.set({ model, feature }, psi);
          }
        : undefined,
    });
    this.shadowAgreement = new Gauge({
      name: 'fleetcast_shadow_agreement_ratio',
      help: 'share of recent requests on which the shadow version agreed with the served one',
      labelNames: ['model', 'shadow_version'],
      registers,
      collect: options.shadow
        ? () => {
            this.shadowAgreement.reset();
            for (const { model, shadowVersion, rate } of options.shadow!()) {
              this.shadowAgreement.set({ model, shadow_version: String(shadowVersion) }, rate);
            }
          }
        : undefined,
    });
  }

  /**
   * A quantile of the request durations of one route since `since` (a previous snapshot), by linear
   * interpolation inside the histogram bucket, as Prometheus' histogram_quantile does.
   */
  async routeQuantile(route: string, q: number, since?: Map<number, number>): Promise<number> {
    const now = await this.routeBuckets(route);
    const counts = [...now.entries()]
      .map(([le, n]) => [le, n - (since?.get(le) ?? 0)] as const)
      .sort((a, b) => a[0] - b[0]);
    const total = counts.at(-1)?.[1] ?? 0;
    if (total === 0) return Number.NaN;
    const rank = q * total;
    let lower = 0;
    let below = 0;
    for (const [le, n] of counts) {
      if (n >= rank)
        return Number.isFinite(le) ? lower + ((le - lower) * (rank - below)) / Math.max(1, n - below) : lower;
      lower = le;
      below = n;
    }
    return lower;
  }

  /** Cumulative bucket counts (upper bound in seconds → requests) of one route, all methods. */
  async routeBuckets(route: string): Promise<Map<number, number>> {
    const buckets = new Map<number, number>();
    for (const value of (await this.httpDuration.get()).values) {
      if (value.metricName !== 'fleetcast_http_request_duration_seconds_bucket' || value.labels.route !== route)
        continue;
      const bound = (value.labels as Record<string, string | number | undefined>).le;
      const le = bound === '+Inf' ? Number.POSITIVE_INFINITY : Number(bound);
      buckets.set(le, (buckets.get(le) ?? 0) + value.value);
    }
    return buckets;
  }

  async text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
