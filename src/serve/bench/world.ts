/**
 * What the serving benchmarks run against: a scratch registry (SQLite, local artifacts) holding a
 * cheap linear ONNX model and a wide MLP, and servers started on loopback with the settings each
 * benchmark compares. Request logs are written (to /dev/null), predictions recorded: the real path.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../core/config/load.js';
import type { ConfigInput } from '../../core/config/schema.js';
import { linearModelOnnx, saveOnnxModel } from '../../models/index.js';
import { type OpenRegistry, openRegistry } from '../../registry/index.js';
import { type RunningServe, startServe } from '../start.js';
import { mlpModelOnnx } from './mlp-onnx.js';

export const FEATURES = ['cpu', 'memory', 'spot'] as const;
/** Hidden widths of the batching benchmark's MLP: one 2048×2048 layer (16 MiB of weights). */
export const MLP_HIDDEN = [2048, 2048];

export interface BenchWorld {
  dir: string;
  opened: OpenRegistry;
  serve(serve: ConfigInput['serve'], models: string[]): Promise<RunningServe>;
  close(): Promise<void>;
}

export async function openWorld(): Promise<BenchWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'fleetcast-bench-serve-'));
  const base = loadConfig({ cwd: dir, env: {}, flags: { home: join(dir, 'home') } });
  const opened = await openRegistry(base, {});
  const signature = {
    inputs: FEATURES.map((name) => ({ name, type: 'float64' as const })),
    outputs: [{ name: 'y', type: 'float64' as const }],
  };
  await saveOnnxModel(join(dir, 'linear'), linearModelOnnx([0.04, 0.005, -0.02], 0.01), signature);
  await opened.registry.register('linear', join(dir, 'linear'), { env: 'prod' });
  await saveOnnxModel(join(dir, 'mlp'), mlpModelOnnx(FEATURES.length, MLP_HIDDEN), signature);
  await opened.registry.register('mlp', join(dir, 'mlp'), { env: 'prod' });
  const running: RunningServe[] = [];
  return {
    dir,
    opened,
    serve: async (serve, models) => {
      const config = loadConfig({
        cwd: dir,
        env: {},
        flags: { home: join(dir, 'home'), serve: { cache: { max_entries: 0 }, reload_interval_seconds: 0, ...serve } },
      });
      const server = await startServe({
        config,
        registry: opened,
        models,
        port: 0,
        host: '127.0.0.1',
        logger: pino({ level: 'info' }, pino.destination({ dest: '/dev/null', sync: true })),
      });
      running.push(server);
      return server;
    },
    close: async () => {
      for (const server of running) await server.shutdown().catch(() => {});
      await opened.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Bodies with distinct inputs (so nothing is answered twice the same way), used in turn. */
export function predictBodies(count = 1000): string[] {
  return Array.from({ length: count }, (_, i) =>
    JSON.stringify({ input: { cpu: (i % 64) + 1, memory: (i % 256) + 1, spot: i % 2 } }),
  );
}

/** One world per benchmark, opened by the first side that needs it and closed by the last. */
export function sharedWorld(): { acquire(): Promise<BenchWorld>; release(): Promise<void> } {
  let world: Promise<BenchWorld> | undefined;
  let users = 0;
  return {
    acquire: () => {
      users++;
      world ??= openWorld();
      return world;
    },
    release: async () => {
      users--;
      if (users === 0 && world) {
        const closing = world;
        world = undefined;
        await (await closing).close();
      }
    },
  };
}
