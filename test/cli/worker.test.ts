import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { BullmqQueue } from '../../src/core/queue/index.js';
import { BIN, cleanEnv } from '../helpers/cli.js';
import { serviceUrl, tempDir, uniqueSuffix } from '../helpers/services.js';

const redisUrl = serviceUrl('redis');

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
