import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BullmqQueue } from '../../src/core/queue/index.js';
import { saveModel } from '../../src/models/index.js';
import { BIN, cleanEnv } from '../helpers/cli.js';
import { serviceUrl, tempDir, uniqueSuffix } from '../helpers/services.js';

const redisUrl = serviceUrl('redis');

describe('fleetcast worker on embedded stores', () => {
  it('scans the artifact store for uploads and records what it cannot register, once', async () => {
    const dir = tempDir();
    const home = join(dir.path, 'home');
    // A model copied into the store by hand, of a flavor this build cannot load.
    const made = join(dir.path, 'made');
    saveModel(made, {
      flavor: 'text-classifier',
      signature: { inputs: [{ name: 'text', type: 'string' }], outputs: [{ name: 'label', type: 'string' }] },
      files: { 'w.json': '[]' },
    });
    const target = join(home, 'artifacts', 'sentiment', 'v1');
    mkdirSync(target, { recursive: true });
    for (const file of readdirSync(made)) copyFileSync(join(made, file), join(target, file));

    const child = spawn(process.execPath, [BIN, 'worker', '--scan-interval', '0.2'], {
      cwd: dir.path,
      env: cleanEnv({ FLEETCAST_HOME: home, FLEETCAST_LOG_FORMAT: 'json' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    await expect.poll(() => stderr, { timeout: 20_000 }).toContain('rejected upload sentiment/v1/fleetcast.json');
    await new Promise((resolve) => setTimeout(resolve, 1000)); // several more scans
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const rejections = stderr.split('\n').filter((line) => line.includes('rejected upload'));
    expect(rejections).toHaveLength(1);
    expect(rejections[0]).toContain('no loader for flavor text-classifier');
    dir.remove();
  });
});

describe.runIf(redisUrl)('fleetcast worker on Redis', () => {
  const dir = tempDir();
  afterAll(() => dir.remove());

  it('processes tasks a producer queues elsewhere, and stops cleanly on SIGTERM', async () => {
    const queueName = `worker-test-${uniqueSuffix()}`;
    const child = spawn(process.execPath, [BIN, 'worker', '--queue', queueName, '--concurrency', '2'], {
      cwd: dir.path,
      env: cleanEnv({ FLEETCAST_REDIS_URL: redisUrl, FLEETCAST_LOG_FORMAT: 'json' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    await expect.poll(() => stderr, { timeout: 20_000 }).toContain('worker started');

    const producer = new BullmqQueue({ redisUrl: redisUrl!, queueName, runWorker: false });
    try {
      const results = await Promise.all(
        [1, 2, 3, 4].map((seed) => producer.run<{ pid: number }>('core.ping', { seed })),
      );
      // The tasks ran in the worker process, not in this one.
      for (const result of results) expect(result.pid).toBe(child.pid);
    } finally {
      await producer.obliterate().catch(() => {});
      await producer.close();
    }

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const lines = stderr
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { runId: string; msg: string });
    expect(lines.map((l) => l.msg)).toContain('worker stopping');
    expect(new Set(lines.map((l) => l.runId)).size).toBe(1);
  });
});
