/**
 * One demo service: an HTTP server that burns its CPU share per request, waits for a slot of its
 * fixed-rate server when it has one, calls its downstream services, and reports all of it on
 * `/metrics` with Istio's names. It runs in its own process (service-main.ts) so that its CPU is
 * its own.
 */
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { MeshMetrics } from './mesh-metrics.js';
import type { DemoServiceSpec } from './topology.js';

export const SOURCE_HEADER = 'x-fleetcast-source';

export interface DemoServiceConfig {
  spec: DemoServiceSpec;
  namespace: string;
  cpuRequest: number;
  /** Base URL of each downstream service, by name. */
  routes: Record<string, string>;
  host?: string;
  port?: number;
}

/** Spends `ms` of this process's CPU time (not wall time: a preempted loop still does the work). */
export function burnCpu(ms: number): void {
  if (ms <= 0) return;
  const start = process.cpuUsage();
  let x = 0;
  for (;;) {
    for (let i = 0; i < 200; i++) x = Math.sqrt(x + i);
    const used = process.cpuUsage(start);
    if ((used.user + used.system) / 1000 >= ms) break;
  }
  if (x < 0) throw new Error('unreachable');
}

/**
 * `concurrency` servers with a fixed service time. Departures are scheduled from the previous
 * departure, not from when a timer happened to fire, so the long-run rate is exactly
 * concurrency / service time even when timers run late.
 */
export class FixedRateSlots {
  private readonly nextFree: number[];

  constructor(
    concurrency: number,
    private readonly serviceTimeMs: number,
  ) {
    this.nextFree = Array.from({ length: concurrency }, () => 0);
  }

  /** Resolves when this request's service is over. */
  hold(): Promise<void> {
    const now = performance.now();
    let slot = 0;
    for (let i = 1; i < this.nextFree.length; i++) if (this.nextFree[i]! < this.nextFree[slot]!) slot = i;
    const departure = Math.max(now, this.nextFree[slot]!) + this.serviceTimeMs;
    this.nextFree[slot] = departure;
    return new Promise((resolve) => setTimeout(resolve, Math.max(0, departure - performance.now())));
  }
}

export interface RunningService {
  port: number;
  url: string;
  /** Where the downstream services are (they may start after this one). */
  setRoutes(routes: Record<string, string>): void;
  close(): Promise<void>;
}

export async function startDemoService(config: DemoServiceConfig): Promise<RunningService> {
  const { spec } = config;
  let routes = { ...config.routes };
  const metrics = new MeshMetrics(spec.name, config.namespace, config.cpuRequest);
  const slots = spec.slots ? new FixedRateSlots(spec.slots.concurrency, spec.slots.serviceTimeMs) : undefined;
  const agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });

  const call = (target: string): Promise<number> =>
    new Promise((resolve) => {
      const started = performance.now();
      const done = (code: number) => {
        metrics.sent(target, code, performance.now() - started);
        resolve(code);
      };
      const url = routes[target];
      if (!url) return done(503);
      const req = httpRequest(url, { agent, headers: { [SOURCE_HEADER]: spec.name } }, (res) => {
        res.resume();
        res.on('end', () => done(res.statusCode ?? 0));
        res.on('error', () => done(503));
      });
      req.on('error', () => done(503));
      req.end();
    });

  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.url === '/metrics') {
      const body = await metrics.exposition();
      res.writeHead(200, { 'content-type': metrics.contentType }).end(body);
      return;
    }
    if (req.url === '/healthz') {
      res.writeHead(200).end('ok');
      return;
    }
    const started = performance.now();
    const header = req.headers[SOURCE_HEADER];
    const source = typeof header === 'string' && header !== '' ? header : 'unknown';
    burnCpu(spec.cpuMs);
    if (slots) await slots.hold();
    let code = 200;
    for (const target of spec.calls) {
      const answer = await call(target);
      if (answer < 200 || answer >= 300) code = 502;
    }
    res.on('finish', () => metrics.received(source, code, performance.now() - started));
    res.writeHead(code, { 'content-type': 'application/json' }).end(`{"service":"${spec.name}","ok":${code === 200}}`);
  };

  const server: Server = createServer((req, res) => {
    req.resume();
    serve(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port ?? 0, config.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: `http://${config.host ?? '127.0.0.1'}:${port}`,
    setRoutes: (next) => {
      routes = { ...next };
    },
    close: async () => {
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
