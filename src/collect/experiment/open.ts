/**
 * Turns a validated experiment into the parts the runner drives: the metrics source (Prometheus,
 * or the embedded scraper), the load controller and the output sinks. Secrets come from the
 * environment or files the experiment names, never from the experiment itself.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { errorMessage, FleetcastError } from '../../core/errors.js';
import { openWarehouse, type Warehouse } from '../../core/warehouse/index.js';
import { connectKube } from '../load/kube-config.js';
import { KubernetesLoadController } from '../load/kubernetes.js';
import { LocalLoadController } from '../load/local.js';
import type { LoadController } from '../load/types.js';
import { type PrometheusAuth, PrometheusClient } from '../prometheus/client.js';
import { ISTIO_QUERY_SET } from '../queries/istio.js';
import { readQuerySet, resolveQuerySet } from '../queries/load.js';
import { Scraper } from '../sources/embedded/scraper.js';
import { EmbeddedSource } from '../sources/embedded/source.js';
import { PrometheusSource } from '../sources/prometheus.js';
import type { MetricsSource } from '../sources/types.js';
import { CsvSink, type OutputSink, WarehouseSink } from './outputs.js';
import type { Experiment } from './spec.js';

export interface OpenOptions {
  /** Relative paths in the experiment are resolved against this folder. */
  baseDir: string;
  env: NodeJS.ProcessEnv;
  /** The configured warehouse, opened when the experiment writes a table. */
  warehouseUrl?: string;
}

export interface OpenedExperiment {
  source: MetricsSource;
  controller: LoadController;
  sinks: OutputSink[];
  /** The CSV path, when the experiment writes one. */
  csv?: string;
  close(): Promise<void>;
}

function path(baseDir: string, value: string): string {
  const expanded = value.startsWith('~/') ? `${homedir()}${value.slice(1)}` : value;
  return isAbsolute(expanded) ? expanded : resolve(baseDir, expanded);
}

function secretFromEnv(env: NodeJS.ProcessEnv, variable: string, key: string): string {
  const value = env[variable];
  if (!value) {
    throw new FleetcastError('FLEETCAST_CONFIG_INVALID', `${key} names ${variable}, which is not set`, {
      hint: `export ${variable}=… before running fleetcast collect`,
    });
  }
  return value;
}

function prometheusAuth(experiment: Experiment, options: OpenOptions): PrometheusAuth | undefined {
  const auth = experiment.prometheus?.auth;
  if (!auth) return undefined;
  if ('bearer_token_env' in auth) {
    return {
      kind: 'bearer',
      token: secretFromEnv(options.env, auth.bearer_token_env, 'prometheus.auth.bearer_token_env'),
    };
  }
  if ('bearer_token_file' in auth) {
    const file = path(options.baseDir, auth.bearer_token_file);
    try {
      return { kind: 'bearer', token: readFileSync(file, 'utf8').trim() };
    } catch (error) {
      throw new FleetcastError('FLEETCAST_CONFIG_INVALID', `prometheus.auth.bearer_token_file: cannot read ${file}`, {
        hint: errorMessage(error),
      });
    }
  }
  return {
    kind: 'basic',
    username: auth.username,
    password: secretFromEnv(options.env, auth.password_env, 'prometheus.auth.password_env'),
  };
}

function openSource(
  experiment: Experiment,
  options: OpenOptions,
): { source: MetricsSource; start?: () => Promise<void> } {
  const set = resolveQuerySet(experiment.queries, 'experiment', (p) => readQuerySet(path(options.baseDir, p)));
  if (experiment.prometheus) {
    const client = new PrometheusClient({
      url: experiment.prometheus.url,
      timeoutMs: experiment.prometheus.timeout * 1000,
      retries: experiment.prometheus.retries,
      backoffMs: experiment.prometheus.backoff * 1000,
      ...(experiment.prometheus.auth ? { auth: prometheusAuth(experiment, options)! } : {}),
    });
    return { source: new PrometheusSource(client, set) };
  }
  if (set !== ISTIO_QUERY_SET) {
    throw new FleetcastError(
      'FLEETCAST_INVALID_ARGUMENT',
      `the embedded scraper computes the Istio query set only, not "${set.name}"`,
      {
        hint: 'set prometheus.url to run a custom query set',
      },
    );
  }
  const scrape = experiment.scrape!;
  const scraper = new Scraper({ targets: scrape.targets, intervalMs: scrape.interval * 1000 });
  return { source: new EmbeddedSource(scraper), start: () => scraper.start() };
}

async function openController(experiment: Experiment, options: OpenOptions): Promise<LoadController> {
  const spec = experiment.controller;
  if (spec.kind === 'local') {
    return new LocalLoadController({
      urls: spec.urls,
      thinkTime: spec.think_time,
      thinkDistribution: spec.think_distribution,
      requestTimeoutMs: spec.request_timeout * 1000,
    });
  }
  const kube = await connectKube({
    ...(spec.kubeconfig ? { path: path(options.baseDir, spec.kubeconfig) } : {}),
    ...(spec.context ? { context: spec.context } : {}),
    env: options.env,
  });
  return new KubernetesLoadController({
    kube,
    namespace: spec.namespace ?? experiment.namespace,
    servicesNamespace: experiment.namespace,
    deployment: spec.deployment,
    ...(spec.container ? { container: spec.container } : {}),
    usersEnv: spec.users_env,
    env: spec.env,
    rolloutTimeoutMs: spec.rollout_timeout * 1000,
    pollMs: spec.poll * 1000,
  });
}

export async function openExperiment(experiment: Experiment, options: OpenOptions): Promise<OpenedExperiment> {
  const { source, start } = openSource(experiment, options);
  const controller = await openController(experiment, options);
  const sinks: OutputSink[] = [];
  let warehouse: Warehouse | undefined;
  const csv = experiment.output.csv ? path(options.baseDir, experiment.output.csv) : undefined;
  if (csv) sinks.push(new CsvSink(csv, source.quantities));
  if (experiment.output.warehouse_table) {
    if (!options.warehouseUrl) {
      throw new FleetcastError(
        'FLEETCAST_CONFIG_INVALID',
        'output.warehouse_table is set but no warehouse is configured',
        {
          hint: 'set FLEETCAST_WAREHOUSE_URL (the default is a DuckDB file in the home folder)',
        },
      );
    }
    warehouse = await openWarehouse(options.warehouseUrl);
    sinks.push(new WarehouseSink(warehouse, experiment.output.warehouse_table, experiment.name));
  }
  await start?.();
  return {
    source,
    controller,
    sinks,
    ...(csv ? { csv } : {}),
    close: async () => {
      await source.close();
      await warehouse?.close();
    },
  };
}
