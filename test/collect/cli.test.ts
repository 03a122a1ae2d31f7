import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { type DemoApp, startDemoApp } from '../../src/collect/demo/app.js';
import { DEMO_LEVELS, demoExperiment } from '../../src/collect/demo/collect.js';
import { openWarehouse } from '../../src/core/warehouse/index.js';
import { runBinary, runInProcess } from '../helpers/cli.js';
import { tempDir } from '../helpers/services.js';
import { prometheusBinary } from './prometheus-binary.js';

const binary = prometheusBinary();

describe.runIf(binary)('fleetcast collect --demo (real Prometheus)', () => {
  it('obeys N = X·(R + Z) within 10% per level, saturates at the configured capacity, and trains', async () => {
    const dir = tempDir();
    const env = { FLEETCAST_HOME: join(dir.path, 'home') };
    const csv = join(dir.path, 'demo.csv');
    const started = Date.now();
    const collect = await runBinary(
      ['collect', '--demo', '--quick', '--scraper', 'prometheus', '--out', csv, '--to-warehouse', '--json'],
      { cwd: dir.path, env, timeoutMs: 170_000 },
    );
    expect(collect.code, collect.stderr).toBe(0);
    const report = JSON.parse(collect.stdout);
    expect(report).toMatchObject({
      output: csv,
      source: 'prometheus',
      scraper: 'prometheus',
      rows: 7 * 4 * 2,
      levels: 7,
      services: ['cart', 'catalog', 'db', 'frontend'],
      capacity_rps: 50,
      levels_skipped: [],
    });
    const physics = report.physics;
    console.info(
      `collect --demo --quick: ${((Date.now() - started) / 1000).toFixed(1)} s; max |N − X·(R+Z)|/N = ${physics.max_error_pct}%, top level ${physics.saturation_throughput_rps} req/s vs capacity ${physics.capacity_rps}`,
    );
    expect(physics.levels).toHaveLength(7);
    for (const level of physics.levels) expect(level.error_pct, `N=${level.users}`).toBeLessThanOrEqual(10);
    expect(physics.max_error_pct).toBeLessThanOrEqual(10);
    // Saturation: the top two levels (20 and 30 users, well past N* ≈ 14) both run at capacity.
    for (const level of physics.levels.slice(-2)) {
      expect(Math.abs(level.throughput - 50) / 50, `N=${level.users}`).toBeLessThanOrEqual(0.1);
    }
    // Below saturation throughput grows with users; above it, response time does.
    expect(physics.levels[1].throughput).toBeGreaterThan(physics.levels[0].throughput * 1.6);
    expect(physics.levels[6].response_time).toBeGreaterThan(physics.levels[5].response_time * 1.5);

    const train = await runBinary(['train', '--task', 'performance', '--data', csv, '--json'], { cwd: dir.path, env });
    expect(train.code, train.stderr).toBe(0);
    const trained = JSON.parse(train.stdout);
    expect(trained).toMatchObject({ task: 'performance', split: 'interpolation', train: { levels: 2 } });
    expect(Object.keys(trained.services).sort()).toEqual(['cart', 'catalog', 'db', 'frontend']);

    const warehouse = await openWarehouse(`duckdb:${join(dir.path, 'home', 'warehouse.duckdb')}`);
    try {
      const [count] = await warehouse.query("SELECT COUNT(*) AS n FROM load_steps WHERE experiment = 'demo'");
      expect(Number(count!.n)).toBe(56);
    } finally {
      await warehouse.close();
    }
    dir.remove();
  }, 180_000);
});

describe('fleetcast collect --config', () => {
  let app: DemoApp;
  let dir: { path: string; remove: () => void };
  beforeAll(async () => {
    app = await startDemoApp();
    dir = tempDir();
  });
  afterAll(async () => {
    await app?.stop();
    dir?.remove();
  });

  it('runs an experiment file with the embedded scraper into a CSV and a warehouse table', async () => {
    const env = { FLEETCAST_HOME: join(dir.path, 'home') };
    writeFileSync(
      join(dir.path, 'experiment.yaml'),
      stringify({
        name: 'from-file',
        namespace: app.namespace,
        scrape: { targets: app.metricsTargets, interval: '250ms' },
        services: { include: ['frontend', 'db'] },
        levels: [{ users: 2 }, { users: 4 }],
        warm_up: '2s',
        window: '2s',
        duration: '1s',
        poll_interval: '1s',
        controller: { kind: 'local', urls: app.urls, think_time: '100ms' },
        output: { csv: 'out/run.csv', warehouse_table: 'steps' },
        physics: { entry_service: 'frontend' },
      }),
    );
    const result = await runInProcess(['collect', '--config', 'experiment.yaml', '--json'], { cwd: dir.path, env });
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({
      output: join(dir.path, 'out', 'run.csv'),
      outputs: [join(dir.path, 'out', 'run.csv'), 'duckdb:steps'],
      rows: 8,
      levels: 2,
      services: ['db', 'frontend'],
      physics: { entry_service: 'frontend', think_time_s: 0.1 },
    });
    expect(report.measured).toBeUndefined();
    const human = await runInProcess(['collect', '--experiment', 'experiment.yaml'], { cwd: dir.path, env });
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain('0 levels measured, 2 already complete');
    const warehouse = await openWarehouse(`duckdb:${join(dir.path, 'home', 'warehouse.duckdb')}`);
    try {
      const rows = await warehouse.query('SELECT service, users FROM steps ORDER BY users, service');
      expect(rows).toHaveLength(8);
    } finally {
      await warehouse.close();
    }
  });

  it('builds the demo sweep around the capacity, and refuses a Prometheus it cannot find', async () => {
    const experiment = demoExperiment(
      { ...app, capacity: 100 },
      { csv: '/tmp/x.csv', quick: true },
      app.metricsTargets,
    );
    expect(experiment.levels).toEqual(DEMO_LEVELS.map((users) => ({ users: users * 2 })));
    expect(experiment).toMatchObject({
      warm_up: 4,
      window: 3,
      duration: 2,
      scrape: { interval: 0.5 },
      physics: { entry_service: 'frontend' },
    });
    const missing = await runInProcess(['collect', '--demo', '--scraper', 'prometheus'], {
      cwd: dir.path,
      env: { PATH: dir.path, FLEETCAST_HOME: join(dir.path, 'home') },
    });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('the prometheus binary is not on PATH');
    expect(missing.stderr).toContain('--scraper embedded');
  });

  it('refuses wrong usage and a bad experiment in one clear line', async () => {
    const cli = (...args: string[]) => runInProcess(args, { cwd: dir.path });
    const none = await cli('collect');
    expect([none.code, none.stderr]).toEqual([
      2,
      expect.stringContaining('nothing to collect: pass --config FILE or --demo'),
    ]);
    expect((await cli('collect', '--demo', '--config', 'x.yaml')).stderr).toContain(
      'give --demo or an experiment file, not both',
    );
    writeFileSync(
      join(dir.path, 'bad.yaml'),
      stringify({ levels: [{ users: 1 }], controller: { kind: 'local', urls: ['http://x/'], think_time: 'often' } }),
    );
    const bad = await cli('collect', '--config', 'bad.yaml');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/bad\.yaml: controller\.think_time: "often" is not a duration/);
    expect((await cli('collect', '--config', 'bad.yaml', '--quick')).stderr).toContain(
      '--quick only applies to --demo',
    );
    expect((await cli('collect', '--config', 'missing.yaml')).stderr).toContain('cannot read');
  });
});
