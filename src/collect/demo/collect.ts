/**
 * `fleetcast collect --demo`: start the demo app, measure it through a real Prometheus when the
 * binary is installed (else through the embedded scraper, with a warning), sweep a few user levels
 * across the saturation point with the local controller, write the CSV, stop everything.
 */
import { FleetcastError } from '../../core/errors.js';
import type { Logger } from '../../core/logging.js';
import { type OpenedExperiment, openExperiment } from '../experiment/open.js';
import { type RunSummary, runExperiment } from '../experiment/runner.js';
import { type Experiment, type ExperimentInput, parseExperiment } from '../experiment/spec.js';
import { findPrometheusBinary, freePort, type PrometheusServer, startPrometheusServer } from '../prometheus/server.js';
import { type DemoApp, startDemoApp } from './app.js';
import { DEFAULT_CAPACITY, defaultTopology } from './topology.js';

export type ScraperChoice = 'auto' | 'prometheus' | 'embedded';

export interface DemoCollectOptions {
  /** CSV to write (resumed if it exists). */
  csv: string;
  /** Also write this warehouse table (with `warehouseUrl`). */
  warehouseTable?: string;
  warehouseUrl?: string;
  scraper?: ScraperChoice;
  /** Shorter levels (6 s instead of 10 s each), for tests. */
  quick?: boolean;
  capacity?: number;
  env?: NodeJS.ProcessEnv;
  logger?: Pick<Logger, 'info' | 'warn'>;
  progress?: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  signal?: AbortSignal;
  /** Called with a one-line warning (e.g. Prometheus missing, falling back). */
  onWarning?: (message: string) => void;
}

export interface DemoCollectSummary extends RunSummary {
  scraper: 'prometheus' | 'embedded';
  prometheus_url?: string;
  capacity_rps: number;
}

/** Think time of the demo's users: long against client overhead, short enough to saturate with few users. */
export const DEMO_THINK_TIME = 0.25;
/** Users per level: below, around and well above the saturation point (about 14 users at 50 req/s). */
export const DEMO_LEVELS = [2, 4, 6, 8, 10, 20, 30];
/** Short, so a 4–5 s rate window holds 8–10 samples. */
const SCRAPE_INTERVAL = 0.5;

/** The demo's experiment, in the same form as a user's experiment file. */
export function demoExperiment(
  app: DemoApp,
  options: DemoCollectOptions,
  scrape: string[] | undefined,
  prometheusUrl?: string,
): Experiment {
  const timing = options.quick
    ? { warm_up: '4s', duration: '2s', poll_interval: '2s', window: '3s' }
    : { warm_up: '6s', duration: '4s', poll_interval: '2s', window: '5s' };
  const scale = app.capacity / DEFAULT_CAPACITY;
  const input: ExperimentInput = {
    name: 'demo',
    namespace: app.namespace,
    ...(prometheusUrl ? { prometheus: { url: prometheusUrl, retries: 2 } } : {}),
    ...(scrape ? { scrape: { targets: scrape, interval: SCRAPE_INTERVAL } } : {}),
    queries: 'istio',
    services: { include: app.services },
    levels: DEMO_LEVELS.map((users) => ({ users: Math.max(1, Math.round(users * scale)) })),
    ...timing,
    cool_down: 0,
    level_timeout: '1m',
    on_error: 'stop',
    controller: { kind: 'local', urls: app.urls, think_time: DEMO_THINK_TIME, think_distribution: 'constant' },
    output: { csv: options.csv, ...(options.warehouseTable ? { warehouse_table: options.warehouseTable } : {}) },
    physics: { entry_service: app.entry },
  };
  return parseExperiment(input, 'demo experiment');
}

export async function runDemoCollection(options: DemoCollectOptions): Promise<DemoCollectSummary> {
  const choice = options.scraper ?? 'auto';
  let binary: string | undefined;
  if (choice !== 'embedded') {
    binary = findPrometheusBinary(options.env?.PATH ?? process.env.PATH);
    if (!binary && choice === 'prometheus') {
      throw new FleetcastError('FLEETCAST_NOT_FOUND', 'the prometheus binary is not on PATH', {
        hint: 'install it (Debian/Ubuntu: apt-get install prometheus), or use --scraper embedded',
      });
    }
    if (!binary) {
      options.onWarning?.(
        'prometheus is not on PATH: measuring with the embedded scraper instead (install it with apt-get install prometheus)',
      );
    }
  }
  // Prometheus starts beside the app (both are slow to boot), on ports chosen beforehand.
  const ports = await Promise.all(defaultTopology().services.map(() => freePort()));
  const targets = ports.map((port) => `http://127.0.0.1:${port}/metrics`);
  const [appResult, prometheusResult] = await Promise.allSettled([
    startDemoApp({ ports, ...(options.capacity === undefined ? {} : { capacity: options.capacity }) }),
    binary
      ? startPrometheusServer({ targets, scrapeIntervalSeconds: SCRAPE_INTERVAL, binary })
      : Promise.resolve(undefined),
  ]);
  const prometheus: PrometheusServer | undefined =
    prometheusResult.status === 'fulfilled' ? prometheusResult.value : undefined;
  if (appResult.status === 'rejected' || prometheusResult.status === 'rejected') {
    await prometheus?.stop();
    if (appResult.status === 'fulfilled') await appResult.value.stop();
    throw appResult.status === 'rejected' ? appResult.reason : (prometheusResult as PromiseRejectedResult).reason;
  }
  const app = appResult.value;
  let opened: OpenedExperiment | undefined;
  try {
    const experiment = demoExperiment(app, options, prometheus ? undefined : app.metricsTargets, prometheus?.url);
    opened = await openExperiment(experiment, {
      baseDir: process.cwd(),
      env: options.env ?? process.env,
      ...(options.warehouseUrl ? { warehouseUrl: options.warehouseUrl } : {}),
    });
    const summary = await runExperiment({
      experiment,
      source: opened.source,
      controller: opened.controller,
      sinks: opened.sinks,
      capacity: app.capacity,
      ...(options.logger ? { logger: options.logger } : {}),
      ...(options.progress ? { progress: options.progress } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return {
      ...summary,
      scraper: prometheus ? 'prometheus' : 'embedded',
      ...(prometheus ? { prometheus_url: prometheus.url } : {}),
      capacity_rps: app.capacity,
    };
  } finally {
    await opened?.close();
    await prometheus?.stop();
    await app.stop();
  }
}
