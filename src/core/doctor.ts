import { threadId } from 'node:worker_threads';
import { openArtifactStore } from './artifacts/index.js';
import { maskUrl } from './config/mask.js';
import type { FleetcastConfig } from './config/schema.js';
import { errorMessage, isFleetcastError } from './errors.js';
import { createMetadataStore } from './metadata/index.js';
import { openWorkQueue } from './queue/index.js';
import { openWarehouse } from './warehouse/index.js';

export interface BackendCheck {
  /** What the backend is for. */
  role: 'metadata' | 'warehouse' | 'artifacts' | 'queue';
  /** Which implementation: sqlite, postgres, duckdb, file, s3, local, bullmq. */
  kind: string;
  /** Secrets masked. */
  url: string;
  ok: boolean;
  latencyMs: number;
  error?: string;
  hint?: string;
}

export interface DoctorReport {
  ok: boolean;
  profile: FleetcastConfig['profile'];
  home: string;
  checks: BackendCheck[];
}

const CHECK_TIMEOUT_MS = 10_000;

/**
 * Opens every configured backend and asks it to answer, timing each. `env` supplies the S3
 * credentials (AWS_*), as it does for every other command. Opening is read-mostly: the
 * embedded stores create their files if missing, nothing else is written.
 */
export async function runDoctor(config: FleetcastConfig, env: NodeJS.ProcessEnv = process.env): Promise<DoctorReport> {
  const checks = await Promise.all([
    check('metadata', kindOf(config.databaseUrl), config.databaseUrl, async () => {
      const store = createMetadataStore(config.databaseUrl);
      try {
        await store.ping();
      } finally {
        await store.close();
      }
    }),
    check('warehouse', kindOf(config.warehouseUrl), config.warehouseUrl, async () => {
      const warehouse = await openWarehouse(config.warehouseUrl);
      try {
        await warehouse.ping();
      } finally {
        await warehouse.close();
      }
    }),
    check('artifacts', kindOf(config.artifactsUrl), config.artifactsUrl, async () => {
      const store = await openArtifactStore(config.artifactsUrl, env);
      try {
        await store.ping();
      } finally {
        await store.close();
      }
    }),
    check('queue', config.redisUrl ? 'bullmq' : 'local', config.redisUrl ?? 'in-process worker threads', async () => {
      // The local pool proves itself by running a task in a worker thread; BullMQ by a Redis PING.
      const queue = openWorkQueue({
        concurrency: 1,
        ...(config.redisUrl ? { redisUrl: config.redisUrl, runWorker: false } : {}),
      });
      try {
        if (config.redisUrl) await queue.ping();
        else {
          const pong = await queue.run<{ threadId: number }>('core.ping', {});
          if (pong.threadId === threadId) throw new Error('the local pool ran its task on the main thread');
        }
      } finally {
        await queue.close();
      }
    }),
  ]);
  return { ok: checks.every((c) => c.ok), profile: config.profile, home: config.home, checks };
}

function kindOf(url: string): string {
  const scheme = url.slice(0, url.indexOf(':'));
  return scheme === 'postgresql' ? 'postgres' : scheme;
}

async function check(
  role: BackendCheck['role'],
  kind: string,
  url: string,
  probe: () => Promise<void>,
): Promise<BackendCheck> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS / 1000} s`)), CHECK_TIMEOUT_MS);
        timer.unref();
      }),
    ]);
    return { role, kind, url: maskUrl(url), ok: true, latencyMs: elapsed(started) };
  } catch (error) {
    return {
      role,
      kind,
      url: maskUrl(url),
      ok: false,
      latencyMs: elapsed(started),
      error: errorMessage(error),
      ...(isFleetcastError(error) && error.hint ? { hint: error.hint } : {}),
    };
  } finally {
    clearTimeout(timer);
  }
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}
