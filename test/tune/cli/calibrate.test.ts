import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBinary, runInProcess } from '../../helpers/cli.js';
import { serviceUrl, tempDir, uniqueSuffix } from '../../helpers/services.js';

interface CalibrateJson {
  study: string;
  trials: number;
  completed: number;
  best: { value: number; params: Record<string, number | string> } | null;
  truth?: Record<string, number>;
  relative_error?: Record<string, number>;
  trials_per_s: number;
  plot: string;
  stopped: boolean;
}

const examples = fileURLToPath(new URL('../../../examples/calibrate/', import.meta.url));
const fixture = fileURLToPath(new URL('../calibrate/fixtures/line-model.ts', import.meta.url));

let dir: { path: string; remove: () => void };
beforeAll(() => {
  dir = tempDir();
});
afterAll(() => dir.remove());

const run = (args: string[]) => runInProcess(args, { cwd: dir.path });

describe('fleetcast calibrate', () => {
  it('--example seir prints best value and params, trials, rate and the truth, and draws the convergence plot', async () => {
    const result = await run(['calibrate', '--example', 'seir', '--trials', '30', '--seed', '3', '--json']);
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout) as CalibrateJson;
    expect(out).toMatchObject({
      trials: 30,
      completed: 30,
      stopped: false,
      truth: { beta: 0.5, sigma: 0.2, gamma: 0.1 },
    });
    expect(Object.keys(out.best!.params)).toEqual(expect.arrayContaining(['beta', 'sigma', 'gamma']));
    expect(out.best!.value).toBeGreaterThan(0);
    expect(out.trials_per_s).toBeGreaterThan(0);
    expect(Object.keys(out.relative_error!).sort()).toEqual(['beta', 'gamma', 'sigma']);
    expect(readFileSync(out.plot, 'utf8')).toContain('<svg');
    // The live progress line: trials done, running, best loss.
    expect(result.stderr).toMatch(/calibrate: 30\/30 100% .*best /);
    // The study is stored like a tuning study.
    const status = await run(['tune', 'status', out.study, '--json']);
    expect(JSON.parse(status.stdout)).toMatchObject({ study: out.study, trials: 30, attempts: { completed: 30 } });
  }, 60_000);

  it('--spec runs a shipped spec, with flags overriding trials and the plot path; a seed replays', async () => {
    const plot = join(dir.path, 'plots', 'seir.svg');
    const args = ['calibrate', '--spec', join(examples, 'seir.yaml'), '--trials', '20', '--replicates', '4'];
    const result = await run([...args, '--workers', '2', '--plot', plot, '--json']);
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout) as CalibrateJson;
    expect(out).toMatchObject({ trials: 20, completed: 20, plot });
    expect(existsSync(plot)).toBe(true);
    expect(out.best!.params).toMatchObject({ population: 1_000_000, days: 100 });
    // Replicate seeds follow the sampler seed, not the study name: another study replays it exactly.
    const again = JSON.parse((await run([...args, '--workers', '2', '--json'])).stdout) as CalibrateJson;
    expect(again.study).not.toBe(out.study);
    expect({ ...again.best, trial_id: '' }).toEqual({ ...out.best, trial_id: '' });
  }, 60_000);

  it.each([
    [['calibrate'], 2, 'give --spec FILE or --example NAME'],
    [['calibrate', '--example', 'seir', '--spec', 'x.yaml'], 2, 'give --spec FILE or --example NAME'],
    [['calibrate', '--example', 'flu'], 2, '--example "flu" is not an example'],
    [['calibrate', '--example', 'seir', '--sampler', 'bayes'], 2, '--sampler "bayes" is not a sampler'],
    [['calibrate', '--example', 'seir', '--trials', '0'], 2, '--trials "0" is not an integer'],
    [['calibrate', '--example', 'seir', '--replicates', 'x'], 2, '--replicates "x" is not an integer'],
    [['calibrate', '--spec', 'missing.yaml'], 1, 'cannot read the spec'],
  ])('refuses %j with exit %i and a clear message', async (args, code, message) => {
    const result = await run(args);
    expect(result.code).toBe(code);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain('hint:');
  });

  it('names the spec path of an invalid field', async () => {
    const spec = join(dir.path, 'bad.yaml');
    writeFileSync(spec, 'module: fleetcast:seir\nspace: {}\ntargets: []\ntrials: 5\n');
    const result = await run(['calibrate', '--spec', spec]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/bad\.yaml: targets: Too small/);
  });
});

describe('fleetcast calibrate (built binary)', () => {
  it('replays --example seir from its seed and recovers β, σ, γ within 10% in 200 trials', async () => {
    const args = ['calibrate', '--example', 'seir', '--trials', '200', '--seed', '1', '--workers', '2', '--json'];
    const env = { FLEETCAST_HOME: join(dir.path, 'bin-home') };
    const [a, b] = await Promise.all([
      runBinary(args, { cwd: dir.path, env }),
      runBinary(args, { cwd: dir.path, env: { FLEETCAST_HOME: join(dir.path, 'bin-home-2') } }),
    ]);
    expect(a.code, a.stderr).toBe(0);
    const first = JSON.parse(a.stdout) as CalibrateJson;
    const second = JSON.parse(b.stdout) as CalibrateJson;
    // Same parameters and loss; trial ids differ, as they are derived from the (new) study name.
    expect({ ...second.best, trial_id: '' }).toEqual({ ...first.best, trial_id: '' });
    for (const error of Object.values(first.relative_error!)) expect(Math.abs(error)).toBeLessThan(0.1);
  }, 90_000);

  it('loads a TypeScript simulation module in compiled mode', async () => {
    copyFileSync(fixture, join(dir.path, 'line-model.ts'));
    writeFileSync(join(dir.path, 'observed.csv'), 'time,y\n0.5,0\n1.5,2\n2.5,4\n3.5,6\n');
    writeFileSync(
      join(dir.path, 'line.yaml'),
      `module: ./line-model.ts
space: { slope: { type: float, low: 0, high: 5 } }
targets:
  - { name: line, table: series, observed: { file: observed.csv }, key: t, observed_key: time, value: y, join: asof, loss: annealed_mse }
trials: 12
`,
    );
    const result = await runBinary(['calibrate', '--spec', 'line.yaml', '--workers', '1', '--json'], {
      cwd: dir.path,
      env: { FLEETCAST_HOME: join(dir.path, 'ts-home') },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ trials: 12, completed: 12 });
  }, 60_000);
});

const redisUrl = serviceUrl('redis');

describe.runIf(redisUrl)('fleetcast calibrate --distributed', () => {
  it('evaluates the replicates on BullMQ workers', async () => {
    const result = await runInProcess(
      [
        'calibrate',
        '--example',
        'seir',
        '--trials',
        '12',
        '--distributed',
        '--workers',
        '2',
        '--queue',
        `calibrate-${uniqueSuffix()}`,
        '--json',
      ],
      { cwd: dir.path, env: { FLEETCAST_REDIS_URL: redisUrl } },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ queue: 'bullmq', trials: 12, completed: 12 });
  }, 60_000);
});
