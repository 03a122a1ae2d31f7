import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoApp, startDemoApp } from '../../../src/collect/demo/app.js';
import { openExperiment } from '../../../src/collect/experiment/open.js';
import { runExperiment } from '../../../src/collect/experiment/runner.js';
import { type ExperimentInput, parseExperiment } from '../../../src/collect/experiment/spec.js';
import type { LocalLoadController } from '../../../src/collect/load/local.js';
import { parseLoadStepCsv } from '../../../src/models/index.js';
import { tempDir } from '../../helpers/services.js';

let app: DemoApp;
beforeAll(async () => {
  app = await startDemoApp({ capacity: 100 });
});
afterAll(() => app?.stop());

/** A fast experiment on the demo app through the embedded scraper. */
function experiment(dir: string, overrides: Partial<ExperimentInput>): ExperimentInput {
  return {
    name: 'fast',
    namespace: app.namespace,
    scrape: { targets: app.metricsTargets, interval: '250ms' },
    levels: [{ users: 1 }, { users: 3 }],
    warm_up: '2s',
    window: '2s',
    duration: '1s',
    poll_interval: '1s',
    controller: { kind: 'local', urls: app.urls, think_time: '50ms' },
    output: { csv: join(dir, 'out.csv') },
    physics: { entry_service: 'frontend' },
    ...overrides,
  };
}

async function run(input: ExperimentInput, signal?: AbortSignal, onProgress?: (line: string) => void) {
  const e = parseExperiment(input, 'test');
  const opened = await openExperiment(e, { baseDir: '/', env: {} });
  const progress: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      progress.push(String(chunk));
      onProgress?.(String(chunk));
      done();
    },
  });
  // As on a terminal, every update is drawn (a pipe gets one line per 5 s).
  Object.assign(stream, { isTTY: true, columns: 120 });
  try {
    const summary = await runExperiment({
      experiment: e,
      source: opened.source,
      controller: opened.controller,
      sinks: opened.sinks,
      progress: stream,
      ...(signal ? { signal } : {}),
    });
    return { summary, progress, controller: opened.controller as LocalLoadController };
  } catch (error) {
    return { error, progress, controller: opened.controller as LocalLoadController };
  } finally {
    await opened.close();
  }
}

describe('experiment runner on the demo app (embedded scraper)', () => {
  it('discovers services, skips exclusions, writes complete levels and resumes where it stopped', async () => {
    const dir = tempDir();
    const first = await run(experiment(dir.path, { services: { exclude: ['db'] } }));
    expect(first.summary).toMatchObject({
      source: 'embedded',
      services: ['cart', 'catalog', 'frontend'],
      rows: 12,
      levels: 2,
      levels_measured: 2,
      levels_resumed: 0,
      levels_skipped: [],
    });
    expect(first.summary!.physics!.levels.map((l) => l.users)).toEqual([1, 3]);
    expect(first.summary!.client!.every((c) => c.errors === 0 && c.requests > 0)).toBe(true);
    expect(first.progress.join('')).toMatch(/collect fast .*level 2\/2 users=3 measuring/);
    const second = await run(experiment(dir.path, { levels: [{ users: 1 }, { users: 3 }, { users: 5 }] }));
    expect(second.summary).toMatchObject({
      rows: 6,
      levels: 3,
      levels_measured: 1,
      levels_resumed: 2,
      services: ['cart', 'catalog', 'frontend'],
    });
    const rows = parseLoadStepCsv(readFileSync(join(dir.path, 'out.csv'), 'utf8'));
    expect(rows).toHaveLength(18);
    expect([...new Set(rows.map((r) => r.users))]).toEqual([1, 3, 5]);
    expect(rows.every((r) => r.throughput > 0 && r.responseTime > 0 && r.cpu > 0 && r.replicas === 1)).toBe(true);
    const third = await run(experiment(dir.path, { levels: [{ users: 1 }, { users: 3 }, { users: 5 }] }));
    expect(third.summary).toMatchObject({ rows: 0, levels_measured: 0, levels_resumed: 3 });
    dir.remove();
  });

  it('skips a level it cannot measure when told to, writing nothing for it', async () => {
    const dir = tempDir();
    const result = await run(
      experiment(dir.path, { services: { include: ['frontend', 'ghost'] }, on_error: 'skip_level' }),
    );
    expect(result.summary!.levels_skipped.map((s) => s.level)).toEqual(['users=1', 'users=3']);
    expect(result.summary!.levels_skipped[0]!.reason).toMatch(/no data for response_time of service "ghost"/);
    expect(result.summary!.rows).toBe(0);
    expect(existsSync(join(dir.path, 'out.csv'))).toBe(false);
    expect(result.controller.activeUsers).toBe(0);
    dir.remove();
  });

  it('stops on the first failure by default, with the load removed', async () => {
    const dir = tempDir();
    const result = await run(experiment(dir.path, { services: { include: ['frontend', 'ghost'] } }));
    expect(result.error).toMatchObject({ code: 'FLEETCAST_NOT_FOUND', message: expect.stringContaining('"ghost"') });
    expect(existsSync(join(dir.path, 'out.csv'))).toBe(false);
    expect(result.controller.activeUsers).toBe(0);
    dir.remove();
  });

  it('stops at Ctrl-C (an aborted signal) keeping the levels already complete', async () => {
    const dir = tempDir();
    const aborter = new AbortController();
    // Ctrl-C half a second into the second level.
    const onProgress = (line: string) => {
      if (line.includes('level 2/3') && !aborter.signal.aborted) setTimeout(() => aborter.abort(), 500);
    };
    const levels = [{ users: 1 }, { users: 2 }, { users: 3 }];
    const result = await run(experiment(dir.path, { levels }), aborter.signal, onProgress);
    expect(result.error).toMatchObject({ code: 'FLEETCAST_TASK_CANCELLED' });
    expect(result.controller.activeUsers).toBe(0);
    const rows = parseLoadStepCsv(readFileSync(join(dir.path, 'out.csv'), 'utf8'));
    expect([...new Set(rows.map((r) => r.users))]).toEqual([1]);
    dir.remove();
  });
});
