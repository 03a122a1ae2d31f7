/**
 * A registry with one model of each kind the service serves (built in the test, nothing
 * downloaded), and small helpers to build an app on it and call it over a real socket.
 */
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { loadConfig } from '../../src/core/config/load.js';
import type { ConfigInput, FleetcastConfig } from '../../src/core/config/schema.js';
import {
  fitPerformanceModel,
  fitSeriesBundle,
  linearModelOnnx,
  SeasonalNaive,
  saveForecaster,
  saveOnnxModel,
  savePerformanceModel,
  saveSeriesBundle,
} from '../../src/models/index.js';
import { type OpenRegistry, openRegistry } from '../../src/registry/index.js';
import { buildServeApp, type ServeApp, type ServeAppOptions } from '../../src/serve/index.js';
import { tempDir } from '../helpers/services.js';
import { LEVELS, syntheticRun } from '../models/performance/synthetic.js';

export const COST_INPUTS = ['cpu', 'memory', 'spot'];

export interface Fixture {
  dir: string;
  config: FleetcastConfig;
  opened: OpenRegistry;
  /** Registers another version of the ONNX cost model (weights scaled by `factor`). */
  registerCost(factor: number, env?: string): Promise<number>;
  close(): Promise<void>;
}

export function configFor(dir: string, serve: ConfigInput['serve'] = {}, extra: ConfigInput = {}): FleetcastConfig {
  return loadConfig({
    cwd: dir,
    env: {},
    flags: {
      home: join(dir, 'home'),
      serve: { reload_interval_seconds: 0, ...serve },
      ...extra,
    },
  });
}

let counter = 0;

/** Registers perf@prod, cost@prod (ONNX), fc@prod (one forecaster) and fleet@prod (per series). */
export async function createFixture(
  options: { config?: ConfigInput; serve?: ConfigInput['serve'] } = {},
): Promise<Fixture> {
  const temp = tempDir('fleetcast-serve-');
  const config = configFor(temp.path, options.serve, options.config);
  const opened = await openRegistry(config);
  const models = join(temp.path, 'models');
  const registry = opened.registry;

  savePerformanceModel(join(models, 'perf'), fitPerformanceModel(syntheticRun(LEVELS)));
  await registry.register('perf', join(models, 'perf'), { env: 'prod' });

  const registerCost = async (factor: number, env = 'prod') => {
    const dir = join(models, `cost-${counter++}`);
    await saveOnnxModel(dir, linearModelOnnx([0.04 * factor, 0.005 * factor, -0.02 * factor], 0.01), {
      inputs: COST_INPUTS.map((name) => ({ name, type: 'float64' as const })),
      outputs: [{ name: 'hourly_cost', type: 'float64' }],
    });
    return (await registry.register('cost', dir, { env })).version;
  };
  await registerCost(1);

  const naive = new SeasonalNaive();
  naive.fit(
    Array.from({ length: 48 }, (_, i) => 10 + (i % 12)),
    { season: 12 },
  );
  saveForecaster(join(models, 'fc'), naive);
  await registry.register('fc', join(models, 'fc'), { env: 'prod' });

  const rows = ['a', 'b'].flatMap((id) =>
    Array.from({ length: 30 }, (_, i) => ({
      id,
      t: 1_700_000_000_000 + i * 300_000,
      v: (id === 'a' ? 5 : 50) + (i % 6),
    })),
  );
  const { bundle } = fitSeriesBundle(rows, {
    idColumn: 'id',
    timeColumn: 't',
    valueColumn: 'v',
    horizon: 6,
    model: 'naive',
  });
  saveSeriesBundle(join(models, 'fleet'), bundle);
  await registry.register('fleet', join(models, 'fleet'), { env: 'prod' });

  return {
    dir: temp.path,
    config,
    opened,
    registerCost,
    close: async () => {
      await opened.close();
      temp.remove();
    },
  };
}

export const ALL_MODELS = ['perf@prod', 'cost@prod', 'fc@prod', 'fleet@prod'];

export async function buildApp(fixture: Fixture, options: Partial<ServeAppOptions> = {}): Promise<ServeApp> {
  return buildServeApp({ config: fixture.config, registry: fixture.opened, models: ALL_MODELS, ...options });
}

/** Listens on an ephemeral loopback port; returns the base URL. */
export interface Served {
  readonly fixture: Fixture;
  readonly serve: ServeApp;
  /** The listening app's base URL. */
  readonly base: string;
}

/** One fixture and app for the whole file, listening on a real socket; closed after the file. */
export function servedFixture(): Served {
  const served = {} as { fixture: Fixture; serve: ServeApp; base: string };
  beforeAll(async () => {
    served.fixture = await createFixture();
    served.serve = await buildApp(served.fixture);
    served.base = await listen(served.serve);
  });
  afterAll(async () => {
    await served.serve?.close();
    await served.fixture?.close();
  });
  return served;
}

export async function listen(serve: ServeApp): Promise<string> {
  await serve.app.listen({ port: 0, host: '127.0.0.1' });
  const address = serve.app.server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return `http://127.0.0.1:${address.port}`;
}

export interface Reply<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
  text: string;
}

// biome-ignore lint/suspicious/noExplicitAny: test replies are read field by field
export async function call<T = any>(
  base: string,
  path: string,
  options: { method?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
): Promise<Reply<T>> {
  const hasBody = options.body !== undefined || options.raw !== undefined;
  const response = await fetch(`${base}${path}`, {
    method: options.method ?? (hasBody ? 'POST' : 'GET'),
    headers: { ...(hasBody ? { 'content-type': 'application/json' } : {}), ...options.headers },
    ...(hasBody ? { body: options.raw ?? JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON (metrics, docs)
  }
  return { status: response.status, body: body as T, headers: response.headers, text };
}
