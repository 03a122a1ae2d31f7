/** The job dispatchers hand each job id to a runner: in process, or through BullMQ to any replica. */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { BullmqDispatcher, LocalDispatcher } from '../../src/serve/jobs/dispatch.js';
import { serviceUrl, uniqueSuffix } from '../helpers/services.js';

const redisUrl = serviceUrl('redis');
const until = async (check: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('job dispatchers', () => {
  it('runs job ids in process, at most `concurrency` at once, each once while queued', async () => {
    const dispatcher = new LocalDispatcher(2);
    let running = 0;
    let peak = 0;
    const seen: string[] = [];
    dispatcher.start(async (id) => {
      running++;
      peak = Math.max(peak, running);
      seen.push(id);
      await new Promise((r) => setTimeout(r, 20));
      running--;
    });
    for (const id of ['a', 'b', 'c', 'd', 'd']) await dispatcher.notify(id);
    await until(() => seen.length >= 4 && running === 0);
    expect(seen.sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(peak).toBe(2);
    await dispatcher.close();
    expect(await dispatcher.ping()).toBe(true);
  });

  it.skipIf(!redisUrl)('delivers job ids through BullMQ to a worker of another replica', async () => {
    const prefix = `fleetcast-test-${uniqueSuffix()}`;
    const logger = pino({ level: 'silent' });
    const producer = new BullmqDispatcher({ redisUrl: redisUrl!, concurrency: 1, logger, prefix });
    const replica = new BullmqDispatcher({ redisUrl: redisUrl!, concurrency: 2, logger, prefix });
    const seen: string[] = [];
    replica.start(async (id) => {
      seen.push(id);
    });
    try {
      expect(await producer.ping(5000)).toBe(true);
      await producer.notify('job-1');
      await producer.notify('job-2');
      await until(() => seen.length === 2);
      expect(seen.sort()).toEqual(['job-1', 'job-2']);
    } finally {
      await producer.close();
      await replica.close();
    }
  });
});
