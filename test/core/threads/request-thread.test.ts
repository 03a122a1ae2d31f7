import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RequestThread } from '../../../src/core/threads/request-thread.js';

const entry = new URL('./echo-worker.ts', import.meta.url);
const names = { stopped: 'the echo thread has stopped', closed: 'the echo thread is closed' };
const start = (workerData: unknown = {}) =>
  RequestThread.start<{ greeting: string }, { say: string }, string>(entry, workerData, names);

describe('request thread', () => {
  it('says ready, answers concurrent requests each with its own answer, and refuses after close', async () => {
    const { thread, ready } = await start();
    expect(ready).toEqual({ greeting: 'ready' });
    const words = Array.from({ length: 50 }, (_, i) => `word${i}`);
    await expect(Promise.all(words.map((say) => thread.request({ say })))).resolves.toEqual(
      words.map((w) => w.toUpperCase()),
    );
    await thread.close();
    await expect(thread.request({ say: 'late' })).rejects.toMatchObject({
      code: 'FLEETCAST_BACKEND_ERROR',
      message: 'the echo thread is closed',
    });
  });

  it('brings a worker’s FleetcastError back with its code, hint and details; others as plain errors', async () => {
    await expect(start({ refuse: true })).rejects.toMatchObject({
      code: 'FLEETCAST_INVALID_ARGUMENT',
      message: 'nothing to open',
      hint: 'give it something',
    });
    const { thread } = await start();
    await expect(thread.request({ say: 'fail' })).rejects.toMatchObject({
      code: 'FLEETCAST_NOT_FOUND',
      details: { say: 'fail' },
    });
    const plain = await thread.request({ say: 'plain' }).catch((error: Error) => error);
    expect(plain).toBeInstanceOf(Error);
    expect((plain as Error).message).toBe('a plain error');
    expect(await thread.request({ say: 'still here' })).toBe('STILL HERE');
    await thread.close();
  });

  it('rejects what is outstanding when the thread dies, and everything after', async () => {
    const { thread } = await start();
    // 'slow' waits 5 ms in the worker; 'die' ends the thread meanwhile: neither gets an answer.
    const pending = thread.request({ say: 'slow' });
    const dying = thread.request({ say: 'die' });
    await expect(dying).rejects.toMatchObject({ code: 'FLEETCAST_BACKEND_ERROR', message: names.stopped });
    await expect(pending).rejects.toMatchObject({ message: names.stopped });
    await expect(thread.request({ say: 'again' })).rejects.toMatchObject({ message: names.stopped });
  });

  it('does not keep a process alive once nothing is outstanding', () => {
    // A script that starts a thread, asks one thing, and never closes it: it must still exit.
    const script = `
      const { RequestThread } = await import(${JSON.stringify(new URL('../../../src/core/threads/request-thread.ts', import.meta.url).href)});
      const { thread } = await RequestThread.start(new URL(${JSON.stringify(entry.href)}), {}, { stopped: 's', closed: 'c' });
      console.log(await thread.request({ say: 'bye' }));
    `;
    const hooks = new URL('../../../src/core/queue/ts-hooks.mjs', import.meta.url).href;
    const register = `data:text/javascript,import { register } from 'node:module'; register(${JSON.stringify(hooks)});`;
    const dir = mkdtempSync(join(tmpdir(), 'fleetcast-thread-'));
    const file = join(dir, 'never-closes.mjs');
    writeFileSync(file, script);
    const run = spawnSync(process.execPath, ['--import', register, file], { encoding: 'utf8', timeout: 20_000 });
    rmSync(dir, { recursive: true, force: true });
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.stdout.trim()).toBe('BYE');
    expect(run.status).toBe(0);
  });
});
