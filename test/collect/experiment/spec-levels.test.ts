import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { completedLevels, levelLabel, loadLevel, planLevels } from '../../../src/collect/experiment/levels.js';
import { closedLoopCheck } from '../../../src/collect/experiment/physics.js';
import { type ExperimentInput, parseExperiment, readExperiment } from '../../../src/collect/experiment/spec.js';

const base: ExperimentInput = {
  scrape: { targets: ['http://127.0.0.1:1/metrics'] },
  levels: [{ users: 1 }],
  warm_up: '1m',
  controller: { kind: 'local', urls: ['http://127.0.0.1:1/'], think_time: '1s' },
  output: { csv: 'out.csv' },
};

describe('experiment files', () => {
  it('apply defaults and parse durations', () => {
    const e = parseExperiment(base, 'e.yaml');
    expect(e).toMatchObject({
      name: 'experiment',
      namespace: 'default',
      warm_up: 60,
      duration: 300,
      poll_interval: 15,
      window: 60,
      on_error: 'stop',
      queries: 'istio',
    });
    expect(e.controller).toMatchObject({ kind: 'local', think_time: 1, think_distribution: 'constant' });
    expect(parseExperiment({ ...base, warm_up: '1m30s', window: '500ms' }, 'e').warm_up).toBe(90);
  });

  it('name the key and the value that are wrong', () => {
    expect(() => parseExperiment({ ...base, duration: 'soon' }, 'e.yaml')).toThrow(
      'e.yaml: duration: "soon" is not a duration (e.g. 500ms, 5s, 1m30s) (got "soon")',
    );
    expect(() => parseExperiment({ ...base, levels: [{ users: -1 }] }, 'e.yaml')).toThrow(
      /e\.yaml: levels\.0\.users: .*\(got -1\)/,
    );
    expect(() => parseExperiment({ ...base, colour: 'red' } as ExperimentInput, 'e.yaml')).toThrow(
      'e.yaml: colour: unknown key',
    );
    expect(() => parseExperiment({ ...base, controller: { kind: 'ssh' } } as unknown as ExperimentInput, 'e')).toThrow(
      /controller\.kind/,
    );
    expect(() => parseExperiment({ ...base, output: {} }, 'e')).toThrow(/output: give csv, warehouse_table or both/);
    expect(() => parseExperiment({ ...base, warm_up: '10s' }, 'e')).toThrow(
      /warm_up \(10s\) is shorter than window \(60s\)/,
    );
    const { scrape: _scrape, ...noSource } = base;
    expect(() => parseExperiment(noSource, 'e')).toThrow(/give prometheus\.url, or scrape\.targets/);
    expect(() => readExperiment('/nonexistent/e.yaml')).toThrow(/cannot read \/nonexistent\/e\.yaml/);
  });

  it('validates every example file', () => {
    const folder = new URL('../../../examples/collect/', import.meta.url).pathname;
    const experiments = readdirSync(folder).filter((f) => !f.startsWith('queries-'));
    expect(experiments.length).toBeGreaterThanOrEqual(2);
    for (const file of experiments) expect(() => readExperiment(`${folder}${file}`), file).not.toThrow();
    expect(planLevels(readExperiment(`${folder}online-boutique.yaml`).experiment)).toHaveLength(50);
  });
});

describe('levels', () => {
  it('expand a range, refuse duplicates and resolve replicas', () => {
    const range = planLevels(parseExperiment({ ...base, levels: { from: 10, to: 30, step: 10, replicas: 2 } }, 'e'));
    expect(range.map((l) => [l.index, l.users])).toEqual([
      [1, 10],
      [2, 20],
      [3, 30],
    ]);
    expect(levelLabel(range[0]!)).toBe('users=10 replicas=2');
    expect(loadLevel(range[0]!, ['a', 'b'])).toEqual({ users: 10, replicas: { a: 2, b: 2 } });
    expect(levelLabel({ users: 1, replicas: { b: 2, a: 1 } })).toBe('users=1 replicas=a:1,b:2');
    expect(() => planLevels(parseExperiment({ ...base, levels: [{ users: 5 }, { users: 5 }] }, 'e'))).toThrow(
      /users=5 appears twice/,
    );
  });

  it('recognise levels already written, by users and by the replicas they set', () => {
    const levels = planLevels(
      parseExperiment({ ...base, levels: [{ users: 5 }, { users: 5, replicas: { a: 2 } }, { users: 9 }] }, 'e'),
    );
    const rows = [
      { service: 'a', users: 5, replicas: 1 },
      { service: 'b', users: 5, replicas: 1 },
    ];
    expect([...completedLevels(levels, rows, ['a', 'b'])]).toEqual([1]);
    expect([...completedLevels(levels, [...rows, { service: 'a', users: 5, replicas: 2 }].slice(2), ['a'])]).toEqual([
      1, 2,
    ]);
    expect([...completedLevels(levels, [], ['a'])]).toEqual([]);
  });
});

describe('closed-loop check', () => {
  it('compares N with X·(R + Z) per level at the entry service', () => {
    const row = (users: number, throughput: number, responseTime: number) => ({
      timestamp: 0,
      service: 'frontend',
      users,
      values: { throughput, response_time: responseTime },
    });
    const report = closedLoopCheck(
      [
        row(10, 20, 0.25),
        row(10, 20, 0.25),
        row(20, 40, 0.3),
        { ...row(20, 1, 1), service: 'db' },
        row(0, 0, Number.NaN),
      ],
      'frontend',
      0.25,
      40,
    );
    expect(report.levels.map((l) => [l.users, l.implied_users, l.error_pct])).toEqual([
      [10, 10, 0],
      [20, 22, 10],
    ]);
    expect(report).toMatchObject({
      max_error_pct: 10,
      capacity_rps: 40,
      saturation_throughput_rps: 40,
      saturation_error_pct: 0,
    });
  });
});
