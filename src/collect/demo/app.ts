/**
 * Starts the demo app: one child process per service (so each one's CPU is measurable on its own),
 * each serving its traffic and its `/metrics` on one port.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FleetcastError } from '../../core/errors.js';
import type { DemoServiceConfig } from './service.js';
import { capacityOf, DEFAULT_CAPACITY, type DemoTopology, defaultTopology, startOrder } from './topology.js';

export interface DemoAppOptions {
  /** Entry requests per second at which throughput saturates (default 50). */
  capacity?: number;
  namespace?: string;
  host?: string;
  /** Fixed ports: the services listen on basePort, basePort + 1, … in topology order (default: any free port). */
  basePort?: number;
  /** Fixed ports, one per service in topology order (instead of basePort). */
  ports?: number[];
  /** A topology of your own instead of the default one (capacity is then derived from it). */
  topology?: DemoTopology;
}

export interface DemoApp {
  /** URLs to send load to (the entry service). */
  urls: string[];
  entry: string;
  services: string[];
  namespace: string;
  /** `/metrics` of every service: what Prometheus (or the embedded scraper) scrapes. */
  metricsTargets: string[];
  /** Entry requests per second at saturation. */
  capacity: number;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 20_000;

/**
 * The compiled service entry point. Under the test runner this module is TypeScript source, which a
 * forked Node cannot run, so the built copy in dist/ is used (`npm run build` first).
 */
export function serviceScript(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const sibling = join(here, 'service-main.js');
  if (existsSync(sibling)) return sibling;
  let dir = here;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  const built = join(dir, 'dist', 'collect', 'demo', 'service-main.js');
  if (existsSync(built)) return built;
  throw new FleetcastError('FLEETCAST_NOT_FOUND', `the demo service script is missing (${built})`, {
    hint: 'run `npm run build` first',
  });
}

function startChild(script: string, config: DemoServiceConfig): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    const child = fork(script, [JSON.stringify(config)], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-2000);
    });
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(
        new FleetcastError('FLEETCAST_BACKEND_ERROR', `demo service ${config.spec.name} did not start: ${why}`, {
          hint: stderr.trim().split('\n').slice(-3).join(' | ') || 'run with --verbose',
        }),
      );
    };
    const timer = setTimeout(() => fail(`no answer within ${START_TIMEOUT_MS / 1000} s`), START_TIMEOUT_MS);
    child.once('exit', (code) => fail(`it exited with code ${code}`));
    child.once('error', (error) => fail(error.message));
    child.on('message', (message: { type?: string; port?: number }) => {
      if (message?.type !== 'ready' || typeof message.port !== 'number') return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      child.removeAllListeners('error');
      resolve({ child, port: message.port });
    });
  });
}

function routeChild(child: ChildProcess, routes: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new FleetcastError('FLEETCAST_BACKEND_ERROR', 'a demo service did not take its routes')),
      START_TIMEOUT_MS,
    );
    const onMessage = (message: { type?: string }) => {
      if (message?.type !== 'routed') return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve();
    };
    child.on('message', onMessage);
    child.send({ type: 'routes', routes });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (child.connected) child.send({ type: 'stop' });
  else child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

export async function startDemoApp(options: DemoAppOptions = {}): Promise<DemoApp> {
  const topology = options.topology ?? defaultTopology(options.capacity ?? DEFAULT_CAPACITY, options.namespace);
  const host = options.host ?? '127.0.0.1';
  const script = serviceScript();
  const children = new Map<string, ChildProcess>();
  const urls = new Map<string, string>();
  const order = startOrder(topology);
  const stop = async () => {
    // Callers first, so no request is cut by a callee that is already gone.
    for (const spec of [...order].reverse()) {
      const child = children.get(spec.name);
      if (child) await stopChild(child);
    }
  };
  const portOf = (i: number) => options.ports?.[i] ?? (options.basePort ? options.basePort + i : undefined);
  try {
    // All services start at once (each is a Node process: one after the other is slow); then
    // each learns where the services it calls listen.
    const started = await Promise.allSettled(
      order.map(async (spec) => {
        const port = portOf(topology.services.indexOf(spec));
        const config = { spec, namespace: topology.namespace, cpuRequest: topology.cpuRequest, routes: {}, host };
        const running = await startChild(script, port === undefined ? config : { ...config, port });
        children.set(spec.name, running.child);
        urls.set(spec.name, `http://${host}:${running.port}`);
      }),
    );
    const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    await Promise.all(
      order.map((spec) =>
        routeChild(children.get(spec.name)!, Object.fromEntries(spec.calls.map((name) => [name, urls.get(name)!]))),
      ),
    );
  } catch (error) {
    await stop();
    throw error;
  }
  const services = topology.services.map((s) => s.name);
  return {
    urls: [`${urls.get(topology.entry)!}/`],
    entry: topology.entry,
    services: [...services].sort(),
    namespace: topology.namespace,
    metricsTargets: services.map((name) => `${urls.get(name)!}/metrics`),
    capacity: capacityOf(topology),
    stop,
  };
}
