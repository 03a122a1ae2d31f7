import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInProcess } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/services.js';
import { seasonalCsv } from '../tuning/fixtures.js';

let dir: { path: string; remove: () => void };
beforeAll(() => {
  dir = tempDir();
  writeFileSync(join(dir.path, 'cpu.csv'), seasonalCsv(['web-1', 'web-2'], 24 * 8));
  writeFileSync(
    join(dir.path, 'tune.yaml'),
    `kind: Tuning
model: forecaster
data: { file: cpu.csv, time_col: timestamp, value_col: cpu, id_col: resource_id }
backtest: { horizon: 6, folds: 2, season: 24, metric: mae }
space:
  model: { type: categorical, choices: [naive, ets] }
  season: { type: categorical, choices: [1, 24] }
  ets_error: { type: fixed, value: A }
  ets_trend: { type: fixed, value: N }
sampler: random
trials: 8
seed: 4
`,
  );
});
afterAll(() => dir.remove());

const run = (args: string[]) => runInProcess(args, { cwd: dir.path });

describe('fleetcast tune --spec', () => {
  it("tunes a forecaster from a spec and registers the best trial's model", async () => {
    const result = await run(['tune', '--spec', 'tune.yaml', '--register', 'cpu-forecast', '--env', 'dev', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const out = JSON.parse(result.stdout) as {
      trials: number;
      completed: number;
      model: string;
      best: { value: number; params: Record<string, unknown> };
      registered: { name: string; version: number };
      plot: string;
    };
    expect(out).toMatchObject({
      trials: 8,
      completed: 8,
      model: 'forecaster',
      registered: { name: 'cpu-forecast', version: 1 },
    });
    expect(readFileSync(out.plot, 'utf8')).toContain('<svg');
    const shown = await run(['models', 'show', 'cpu-forecast@dev', '--json']);
    expect(shown.code, shown.stderr).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ name: 'cpu-forecast', version: 1, flavor: 'forecaster' });
  }, 60_000);

  it.each([
    [['tune', '--spec', 'tune.yaml', '--example', 'branin'], 2, 'give --spec or --example, not both'],
    [['tune', '--spec', 'tune.yaml', '--env', 'dev'], 2, '--env needs --register'],
    [['tune', '--example', 'branin', '--trials', '5', '--register', 'x'], 2, '--register needs --spec'],
    [['tune', '--spec', 'nope.yaml'], 1, 'cannot read the spec'],
    [['tune', 'stop', 'never-made'], 1, 'no study named "never-made"'],
  ])('refuses %j with exit %i', async (args, code, message) => {
    const result = await run(args);
    expect(result.code).toBe(code);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain('hint:');
  });
});

describe('fleetcast tune stop', () => {
  it('stops a running study: it finishes what is in flight, exits cleanly, and can be resumed', async () => {
    const plot = join(dir.path, 'stop.svg');
    const running = run([
      'tune',
      '--example',
      'branin',
      '--sampler',
      'random',
      '--trials',
      '5000000',
      '--study',
      'long',
      '--plot',
      plot,
      '--json',
    ]);
    // Wait until the study exists and has told some trials.
    await expect
      .poll(
        async () => {
          const status = await run(['tune', 'status', 'long', '--json']);
          return status.code === 0
            ? (JSON.parse(status.stdout) as { attempts: { completed: number } }).attempts.completed
            : 0;
        },
        { timeout: 30_000, interval: 200 },
      )
      .toBeGreaterThan(50);
    const stop = await run(['tune', 'stop', 'long', '--reason', 'test', '--json']);
    expect(stop.code, stop.stderr).toBe(0);
    expect(JSON.parse(stop.stdout)).toMatchObject({ study: 'long' });

    const result = await running;
    expect(result.code, result.stderr).toBe(0);
    const out = JSON.parse(result.stdout) as { stopped: boolean; trials: number; completed: number };
    expect(out.stopped).toBe(true);
    expect(out.trials).toBeLessThan(5_000_000);
    expect(out.completed).toBe(out.trials);
    expect(result.stderr).toMatch(/tune: stopped at \d+\/5000000, trials in flight finished/);
    expect(existsSync(plot)).toBe(true);

    const status = JSON.parse((await run(['tune', 'status', 'long', '--json'])).stdout) as {
      attempts: Record<string, number>;
      stop_requested_at: string | null;
    };
    // Nothing was left leased: every asked trial was told.
    expect(status.attempts.running).toBe(0);
    expect(status.stop_requested_at).not.toBeNull();
    const human = await run(['tune', 'status', 'long']);
    expect(human.stdout).toContain('stop requested at');

    // A new run of the study is not stopped by the old request.
    const resumed = await run([
      'tune',
      '--example',
      'branin',
      '--sampler',
      'random',
      '--trials',
      String(out.trials + 20),
      '--study',
      'long',
      '--json',
    ]);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ stopped: false, trials: out.trials + 20 });
  }, 90_000);
});
