import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BENCHMARKS } from '../../src/tune/index.js';
import { BIN, cleanEnv, runInProcess } from '../helpers/cli.js';
import { serviceUrl, tempDir, uniqueSuffix } from '../helpers/services.js';

interface TuneJson {
  study: string;
  queue: string;
  trials: number;
  completed: number;
  best: { value: number; params: Record<string, number | string>; number: number; trial_id: string } | null;
  trials_per_s: number;
}

interface StatusJson {
  study: string;
  trials: number;
  attempts: Record<string, number>;
  best: TuneJson['best'];
}

let dir: { path: string; remove: () => void };
beforeAll(() => {
  dir = tempDir();
});
afterAll(() => dir.remove());

const run = (args: string[], env: NodeJS.ProcessEnv = {}) => runInProcess(args, { cwd: dir.path, env });

describe('fleetcast tune --example', () => {
  it('runs an example, prints best, trials and rate as JSON, and stores the study', async () => {
    const result = await run([
      'tune',
      '--example',
      'branin',
      '--sampler',
      'tpe',
      '--trials',
      '30',
      '--seed',
      '1',
      '--json',
    ]);
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout) as TuneJson;
    expect(out).toMatchObject({ queue: 'local', trials: 30, completed: 30 });
    expect(out.trials_per_s).toBeGreaterThan(0);
    expect(out.best!.value).toBeCloseTo(BENCHMARKS.branin!.objective(out.best!.params as Record<string, number>), 12);
    // The live progress line: trials done, running, best loss.
    expect(result.stderr).toMatch(/tune: 30\/30 100% .* best /);

    const status = await run(['tune', 'status', out.study, '--json']);
    expect(status.code).toBe(0);
    const stored = JSON.parse(status.stdout) as StatusJson;
    expect(stored).toMatchObject({ study: out.study, trials: 30, attempts: { completed: 30, running: 0 } });
    expect(stored.best).toEqual(out.best);
    const human = await run(['tune', 'status', out.study]);
    expect(human.stdout).toContain('30 trials; attempts: 30 completed');
  });

  it.each([
    ['hartmann6', 'cmaes'],
    ['rosenbrock4', 'sobol'],
    ['mixed', 'tpe'],
  ])('runs %s with the %s sampler', async (example, sampler) => {
    const result = await run(['tune', '--example', example, '--sampler', sampler, '--trials', '25', '--json']);
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout) as TuneJson;
    expect(out.completed).toBe(25);
    expect(Object.keys(out.best!.params).sort()).toEqual([...BENCHMARKS[example]!.space.names]);
  });

  it('replays a random-sampler study exactly from its seed', async () => {
    const args = [
      'tune',
      '--example',
      'rosenbrock4',
      '--sampler',
      'random',
      '--trials',
      '40',
      '--seed',
      '77',
      '--json',
    ];
    const [a, b] = [JSON.parse((await run(args)).stdout) as TuneJson, JSON.parse((await run(args)).stdout) as TuneJson];
    expect(a.study).not.toBe(b.study);
    // Same parameters and value; the trial ids differ because they are derived from the study name.
    expect({ ...a.best, trial_id: '' }).toEqual({ ...b.best, trial_id: '' });
  });

  it('resumes a named study up to the new trial count', async () => {
    const base = ['tune', '--example', 'branin', '--sampler', 'random', '--study', 'resumable', '--json'];
    expect(JSON.parse((await run([...base, '--trials', '10'])).stdout)).toMatchObject({ trials: 10 });
    expect(JSON.parse((await run([...base, '--trials', '25'])).stdout)).toMatchObject({ trials: 25, completed: 25 });
    const status = JSON.parse((await run(['tune', 'status', 'resumable', '--json'])).stdout) as StatusJson;
    expect(status).toMatchObject({ trials: 25, attempts: { completed: 25 } });
    // Resuming with another sampler would silently change the study: refused.
    const other = await run([
      'tune',
      '--example',
      'branin',
      '--sampler',
      'tpe',
      '--study',
      'resumable',
      '--trials',
      '30',
    ]);
    expect(other.code).toBe(1);
    expect(other.stderr).toContain('was created with sampler random');
  });

  it.each([
    [['tune'], 2, 'give --example NAME'],
    [['tune', '--example', 'nope', '--trials', '5'], 2, '--example "nope" is not an example'],
    [['tune', '--example', 'branin', '--sampler', 'bayes', '--trials', '5'], 2, '--sampler "bayes" is not a sampler'],
    [['tune', '--example', 'branin'], 2, '--trials is required'],
    [['tune', '--example', 'branin', '--trials', '0'], 2, '--trials "0" is not an integer'],
    [['tune', '--example', 'branin', '--trials', '1.5'], 2, '--trials "1.5" is not an integer'],
    [['tune', '--example', 'branin', '--trials', '5', '--seed', '-1'], 2, 'not a 64-bit unsigned integer'],
    [['tune', '--example', 'branin', '--trials', '5', '--seed', '18446744073709551616'], 2, 'not a 64-bit'],
    [['tune', '--example', 'branin', '--trials', '5', '--workers', '0'], 2, '--workers "0" is not an integer in 1..'],
    [['tune', '--example', 'branin', '--trials', '5', '--study', '../x'], 2, 'is not a valid study name'],
    [['tune', '--example', 'branin', '--trials', '5', '--distributed'], 2, '--distributed needs Redis'],
    [['tune', '--example', 'mixed', '--sampler', 'cmaes', '--trials', '5'], 1, 'CMA-ES needs a continuous space'],
    [['tune', 'status', 'never-made'], 1, 'no study named "never-made"'],
  ])('refuses %j with exit %i and a clear message', async (args, code, message) => {
    const result = await run(args);
    expect(result.code).toBe(code);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain('hint:');
  });
});

const redisUrl = serviceUrl('redis');

describe.runIf(redisUrl)('fleetcast tune --distributed', () => {
  it('evaluates on BullMQ and stores the study like a local run', async () => {
    const queue = `tune-cli-${uniqueSuffix()}`;
    const result = await run(
      [
        'tune',
        '--example',
        'branin',
        '--sampler',
        'random',
        '--trials',
        '30',
        '--distributed',
        '--workers',
        '2',
        '--queue',
        queue,
        '--json',
      ],
      { FLEETCAST_REDIS_URL: redisUrl },
    );
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout) as TuneJson;
    expect(out).toMatchObject({ queue: 'bullmq', trials: 30, completed: 30 });
  });

  it('with --workers 0 leaves every evaluation to a `fleetcast worker` process', async () => {
    const queue = `tune-cli-${uniqueSuffix()}`;
    const home = join(dir.path, 'worker-home');
    const worker = spawn(process.execPath, [BIN, 'worker', '--queue', queue, '--concurrency', '2'], {
      cwd: dir.path,
      env: cleanEnv({ FLEETCAST_REDIS_URL: redisUrl, FLEETCAST_HOME: home }),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    try {
      let stderr = '';
      worker.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString('utf8');
      });
      await expect.poll(() => stderr, { timeout: 20_000 }).toContain('worker started');
      const result = await run(
        ['tune', '--example', 'mixed', '--trials', '20', '--distributed', '--workers', '0', '--queue', queue, '--json'],
        { FLEETCAST_REDIS_URL: redisUrl },
      );
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ queue: 'bullmq', workers: 0, trials: 20, completed: 20 });
    } finally {
      const exited = new Promise((resolve) => worker.once('close', resolve));
      worker.kill('SIGTERM');
      await exited;
    }
  });
});
