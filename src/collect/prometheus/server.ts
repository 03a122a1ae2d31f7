/**
 * Runs a real Prometheus for a demo or a test: a temporary config scraping the given targets, a
 * temporary TSDB folder, a free local port; `stop()` ends the process and removes both.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { stringify } from 'yaml';
import { FleetcastError } from '../../core/errors.js';
import { promDuration, sleep } from '../durations.js';

export interface PrometheusServerOptions {
  /** Scrape URLs such as http://127.0.0.1:8080/metrics. */
  targets: string[];
  scrapeIntervalSeconds?: number;
  /** The binary (default: `prometheus` on PATH). */
  binary?: string;
  /** Startup limit, including the first successful scrape of every target (default 30 s). */
  startTimeoutMs?: number;
}

export interface PrometheusServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** The `prometheus` binary on PATH, or undefined. */
export function findPrometheusBinary(path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'prometheus');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  return undefined;
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Groups targets by scheme and path, as a scrape config wants them. */
function scrapeConfigs(targets: string[], interval: number): unknown[] {
  const jobs = new Map<string, { scheme: string; path: string; hosts: string[] }>();
  for (const target of targets) {
    const url = new URL(target);
    const key = `${url.protocol}${url.pathname}`;
    const job = jobs.get(key) ?? { scheme: url.protocol.replace(':', ''), path: url.pathname, hosts: [] };
    job.hosts.push(url.host);
    jobs.set(key, job);
  }
  return [...jobs.values()].map((job, i) => ({
    job_name: `fleetcast-${i}`,
    scheme: job.scheme,
    metrics_path: job.path,
    scrape_interval: promDuration(interval),
    scrape_timeout: promDuration(Math.max(0.1, Math.round(interval * 900) / 1000)),
    static_configs: [{ targets: job.hosts }],
  }));
}

export async function startPrometheusServer(options: PrometheusServerOptions): Promise<PrometheusServer> {
  const binary = options.binary ?? findPrometheusBinary();
  if (!binary) {
    throw new FleetcastError('FLEETCAST_NOT_FOUND', 'the prometheus binary is not on PATH', {
      hint: 'install it (Debian/Ubuntu: apt-get install prometheus), or use the embedded scraper',
    });
  }
  const interval = options.scrapeIntervalSeconds ?? 1;
  const dir = mkdtempSync(join(tmpdir(), 'fleetcast-prometheus-'));
  const config = join(dir, 'prometheus.yml');
  writeFileSync(
    config,
    stringify({
      global: { scrape_interval: promDuration(interval), evaluation_interval: promDuration(interval) },
      scrape_configs: scrapeConfigs(options.targets, interval),
    }),
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    binary,
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=2h',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  child.once('error', (error) => {
    stderr += error.message;
  });
  const stop = async () => {
    if (!exited) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exit;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  // Ready means every target has been scraped once: rates over the first seconds are then sound.
  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
  const upQuery = `${url}/api/v1/query?query=${encodeURIComponent('count(up == 1)')}`;
  let ready = false;
  while (Date.now() < deadline && !exited) {
    try {
      if (!ready) ready = (await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1_000) })).ok;
      if (ready) {
        const body = (await (await fetch(upQuery, { signal: AbortSignal.timeout(1_000) })).json()) as {
          data?: { result?: Array<{ value: [number, string] }> };
        };
        if (Number(body.data?.result?.[0]?.value[1] ?? 0) >= options.targets.length) {
          return { url, pid: child.pid ?? -1, stop };
        }
      }
    } catch {}
    await sleep(100);
  }
  await stop();
  const why = ready ? `it did not scrape all ${options.targets.length} targets` : 'it did not become ready';
  throw new FleetcastError('FLEETCAST_BACKEND_ERROR', `Prometheus (${binary}) failed to start: ${why}`, {
    hint: stderr.trim().split('\n').slice(-3).join(' | ') || 'check that the targets answer on /metrics',
  });
}
