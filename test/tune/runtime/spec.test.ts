import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isFleetcastError } from '../../../src/core/errors.js';
import { VERSION } from '../../../src/core/version.js';
import { checkRuntimeSpec, loadRuntimeSpec, type SpecIssue } from '../../../src/tune/runtime/index.js';
import { tempDir } from '../../helpers/services.js';
import { baseSpec, writeSpec } from './helpers/specs.js';

let dir: { path: string; remove: () => void };
beforeAll(() => {
  dir = tempDir('fleetcast-runtime-spec-');
});
afterAll(() => dir.remove());

/** The problems of a spec that differs from the base by `change`. */
function issuesOf(change: (spec: Record<string, unknown>) => void): SpecIssue[] {
  const spec = baseSpec();
  change(spec);
  const checked = checkRuntimeSpec(writeSpec(dir.path, spec), dir.path);
  if (checked.ok) throw new Error('expected the spec to be refused');
  return checked.issues;
}

describe('runtime spec defaults', () => {
  it('fills in every documented default', () => {
    const { spec } = loadRuntimeSpec(writeSpec(dir.path, { ...baseSpec(), serve: {}, schedules: [] }), dir.path);
    expect(spec.image).toBe(`fleetcast:${VERSION}`);
    expect(spec.imagePullPolicy).toBe('IfNotPresent');
    expect(spec.logLevel).toBe('info');
    expect(spec.metadata.labels).toEqual({});
    expect(spec.workers[0]).toMatchObject({ replicas: 1, cpu: '1', memory: '1Gi', terminationGracePeriodSeconds: 60 });
    expect(spec.workers[0]!.queues).toBeUndefined();
    expect(spec.serve).toMatchObject({
      replicas: 2,
      port: 8080,
      models: [],
      cpu: '500m',
      memory: '1Gi',
      service: { type: 'ClusterIP', port: 80 },
    });
    expect(spec.hooks).toEqual({ onStart: [], onFinish: [] });
  });

  it('defaults the profile to production, which then needs API keys', () => {
    const spec = baseSpec();
    delete spec.profile;
    const checked = checkRuntimeSpec(writeSpec(dir.path, spec), dir.path);
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.issues[0]).toMatchObject({ path: 'apiKeys' });
    spec.apiKeys = { secretRef: { name: 'api-keys' } };
    const loaded = loadRuntimeSpec(writeSpec(dir.path, spec), dir.path);
    expect(loaded.spec.profile).toBe('production');
    expect(loaded.spec.apiKeys?.secretRef).toEqual({ name: 'api-keys', key: 'keys' });
    // Keys kept in the metadata store's table (`fleetcast keys create`) satisfy production as well.
    spec.apiKeys = { table: true };
    expect(checkRuntimeSpec(writeSpec(dir.path, spec), dir.path).ok).toBe(true);
    spec.apiKeys = {};
    const empty = checkRuntimeSpec(writeSpec(dir.path, spec), dir.path);
    expect(empty.ok).toBe(false);
    if (!empty.ok) expect(empty.issues[0]!.message).toMatch(/table: true/);
  });

  it('reads CPU given as a YAML number as the quantity text', () => {
    const spec = baseSpec();
    spec.workers = [
      { name: 'a', cpu: 2 },
      { name: 'b', cpu: 0.5 },
    ];
    const loaded = loadRuntimeSpec(writeSpec(dir.path, spec), dir.path);
    expect(loaded.spec.workers.map((group) => group.cpu)).toEqual(['2', '0.5']);
  });
});

describe('runtime spec errors name the YAML path and the expected form', () => {
  it('points at workers[1].cpu with its line, the expected form and the value found', () => {
    const text = [
      'apiVersion: fleetcast/v1',
      'kind: Runtime',
      'metadata: {name: demo}',
      'profile: staging',
      'database: {secretRef: {name: s}}',
      'artifacts: {url: "s3://b/p"}',
      'workers:',
      '  - name: a',
      '  - name: b',
      '    cpu: two',
      '',
    ].join('\n');
    const checked = checkRuntimeSpec(writeSpec(dir.path, text), dir.path);
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.issues).toEqual([
      {
        path: 'workers[1].cpu',
        message: 'expected a CPU quantity such as 500m, 0.5 or 2 (got "two")',
        line: 10,
        column: 10,
      },
    ]);
  });

  it.each([
    [
      'a bad memory quantity',
      (s: Record<string, unknown>) => (s.workers = [{ name: 'a', memory: '1Gb' }]),
      'workers[0].memory',
      'a memory quantity such as 512Mi',
    ],
    [
      'an unknown key',
      (s: Record<string, unknown>) => (s.workers = [{ name: 'a', cpus: 2 }]),
      'workers[0].cpus',
      'is not a key of the runtime spec',
    ],
    [
      'an upper-case name',
      (s: Record<string, unknown>) => (s.metadata = { name: 'Demo' }),
      'metadata.name',
      'lower-case letters',
    ],
    ['a missing database', (s: Record<string, unknown>) => delete s.database, 'database', '(missing)'],
    [
      'a wrong apiVersion',
      (s: Record<string, unknown>) => (s.apiVersion = 'fleetcast/v2'),
      'apiVersion',
      'fleetcast/v1',
    ],
    [
      'a cron of four fields',
      (s: Record<string, unknown>) => {
        s.warehouse = { url: 'postgres://db/w' };
        s.schedules = [{ name: 'n', cron: '0 2 * *', predict: '--model m@prod --from a --to b' }];
      },
      'schedules[0].cron',
      'five cron fields',
    ],
    [
      'predict options without --to',
      (s: Record<string, unknown>) => {
        s.warehouse = { url: 'postgres://db/w' };
        s.schedules = [{ name: 'n', cron: '0 2 * * *', predict: '--model m@prod --from a' }];
      },
      'schedules[0].predict',
      '--predict needs --to',
    ],
    [
      'an unknown time zone',
      (s: Record<string, unknown>) => {
        s.warehouse = { url: 'postgres://db/w' };
        s.schedules = [
          { name: 'n', cron: '0 2 * * *', timezone: 'Mars/Olympus', predict: '--model m --from a --to b' },
        ];
      },
      'schedules[0].timezone',
      'IANA time zone',
    ],
    [
      'a bad model reference',
      (s: Record<string, unknown>) => (s.serve = { models: ['cpu@prod:3'] }),
      'serve.models[0]',
      'NAME@ALIAS',
    ],
    [
      'both url and secretRef',
      (s: Record<string, unknown>) => (s.database = { url: 'postgres://db/x', secretRef: { name: 'x' } }),
      'database',
      'exactly one of url',
    ],
    [
      'a SQLite database',
      (s: Record<string, unknown>) => (s.database = { url: 'sqlite:/data/m.sqlite' }),
      'database.url',
      'postgres://',
    ],
    [
      'a port a non-root user cannot bind',
      (s: Record<string, unknown>) => (s.serve = { port: 80 }),
      'serve.port',
      'from 1024 to 65535',
    ],
    [
      'a hook with two actions',
      (s: Record<string, unknown>) =>
        (s.hooks = {
          onStart: [{ name: 'h', command: 'true', delete: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'x' }] }],
        }),
      'hooks.onStart[0]',
      'exactly one of command, apply or delete',
    ],
    [
      'an example with no trials',
      (s: Record<string, unknown>) => {
        s.redis = { url: 'redis://r:6379' };
        s.study = { name: 'st', example: 'branin' };
      },
      'study.trials',
      'a number of trials',
    ],
  ])('refuses %s', (_name, change, path, expected) => {
    const issues = issuesOf(change);
    const issue = issues.find((candidate) => candidate.path === path);
    expect(issue, JSON.stringify(issues)).toBeDefined();
    expect(issue!.message).toContain(expected);
  });

  it('refuses a password in a URL and never shows it', () => {
    const issues = issuesOf((s) => (s.database = { url: 'postgres://fleet:hunter2@db:5432/fleet' }));
    expect(issues).toHaveLength(1);
    expect(issues[0]!.path).toBe('database.url');
    expect(issues[0]!.message).toContain('put the URL in a Secret and use secretRef');
    expect(JSON.stringify(issues)).not.toContain('hunter2');
  });

  it('lists every problem of a file, not only the first', () => {
    const issues = issuesOf((s) => {
      s.metadata = { name: 'Demo' };
      s.workers = [{ name: 'a', cpu: 'x', memory: 'y' }];
    });
    expect(issues.map((issue) => issue.path)).toEqual(['metadata.name', 'workers[0].cpu', 'workers[0].memory']);
  });

  it('throws one error listing them all, with a hint, from loadRuntimeSpec', () => {
    const spec = baseSpec();
    spec.workers = [
      { name: 'a', cpu: 'x' },
      { name: 'b', replicas: -1 },
    ];
    try {
      loadRuntimeSpec(writeSpec(dir.path, spec), dir.path);
      expect.unreachable();
    } catch (error) {
      expect(isFleetcastError(error, 'FLEETCAST_CONFIG_INVALID')).toBe(true);
      const message = (error as Error).message;
      expect(message).toContain('(2 problems)');
      expect(message).toContain('workers[0].cpu: expected a CPU quantity');
      expect(message).toContain('workers[1].replicas: expected a whole number from 0 to 1000 (got -1)');
      expect((error as { hint?: string }).hint).toContain('docs/runtime.md');
    }
  });
});

describe('rules across the runtime spec', () => {
  it.each([
    [
      'a study without Redis',
      (s: Record<string, unknown>) => (s.study = { name: 'st', example: 'branin', trials: 10 }),
      'redis',
      'BullMQ workers',
    ],
    [
      'a study on a queue no worker group serves',
      (s: Record<string, unknown>) => {
        s.redis = { url: 'redis://r:6379' };
        s.study = { name: 'st', example: 'branin', trials: 10, queue: 'studies' };
      },
      'study.queue',
      'no group serves "studies"',
    ],
    [
      'schedules without a warehouse',
      (s: Record<string, unknown>) =>
        (s.schedules = [{ name: 'n', cron: '0 2 * * *', predict: '--model m --from a --to b' }]),
      'warehouse',
      'scheduled predictions',
    ],
    [
      'queues without Redis',
      (s: Record<string, unknown>) => (s.workers = [{ name: 'g', queues: ['a'] }]),
      'workers[0].queues',
      'BullMQ queues on Redis',
    ],
    [
      'two worker groups of one name',
      (s: Record<string, unknown>) => (s.workers = [{ name: 'g' }, { name: 'g' }]),
      'workers[1].name',
      'no other worker group',
    ],
    [
      'a schedule name too long for a CronJob',
      (s: Record<string, unknown>) => {
        s.metadata = { name: 'a-rather-long-runtime-name-xyz' };
        s.warehouse = { url: 'postgres://db/w' };
        s.schedules = [
          { name: 'nightly-forecast-of-everything', cron: '0 2 * * *', predict: '--model m --from a --to b' },
        ];
      },
      'schedules[0].name',
      'at most 52 fit',
    ],
    [
      'a file:// artifact store',
      (s: Record<string, unknown>) => (s.artifacts = { url: 'file:///data/artifacts' }),
      'artifacts.url',
      'private to each pod',
    ],
  ])('refuses %s', (_name, change, path, expected) => {
    const issue = issuesOf(change).find((candidate) => candidate.path === path);
    expect(issue).toBeDefined();
    expect(issue!.message).toContain(expected);
  });

  it('takes the examples of the study command: tune examples for tune, calibration examples for calibrate', () => {
    const issue = issuesOf((s) => {
      s.redis = { url: 'redis://r:6379' };
      s.study = { name: 'st', example: 'seir', trials: 10 };
    }).find((candidate) => candidate.path === 'study.example');
    expect(issue?.message).toContain('the examples of fleetcast tune');
    const spec = {
      ...baseSpec(),
      redis: { url: 'redis://r:6379' },
      study: { name: 'st', command: 'calibrate', example: 'seir' },
    };
    expect(loadRuntimeSpec(writeSpec(dir.path, spec), dir.path).spec.study).toMatchObject({
      command: 'calibrate',
      example: 'seir',
    });
  });

  it('warns when a CronJob runs a stored schedule that workers also fire', () => {
    const spec = baseSpec();
    spec.warehouse = { url: 'postgres://db/w' };
    spec.schedules = [{ name: 'weekly', cron: '0 6 * * 1', schedule: 'weekly-report' }];
    const loaded = loadRuntimeSpec(writeSpec(dir.path, spec), dir.path);
    expect(loaded.warnings.join('\n')).toContain('run twice');
  });
});

describe('runtime spec files', () => {
  it('reads the study spec file relative to the runtime file', () => {
    writeFileSync(join(dir.path, 'tune.yaml'), 'objective: backtest\n');
    const spec = baseSpec();
    spec.redis = { url: 'redis://r:6379' };
    spec.study = { name: 'st', spec: './tune.yaml' };
    const loaded = loadRuntimeSpec(writeSpec(dir.path, spec), '/');
    expect(loaded.studySpec).toEqual({ fileName: 'tune.yaml', content: 'objective: backtest\n' });
  });

  it('names study.spec when the file is missing', () => {
    const issue = issuesOf((s) => {
      s.redis = { url: 'redis://r:6379' };
      s.study = { name: 'st', spec: 'missing.yaml' };
    })[0];
    expect(issue).toMatchObject({ path: 'study.spec' });
    expect(issue!.message).toContain('relative to the runtime file');
  });

  it('reports YAML syntax errors with their line', () => {
    const path = writeSpec(dir.path, 'apiVersion: fleetcast/v1\nkind: Runtime\nmetadata: {name: demo\n');
    expect(() => checkRuntimeSpec(path, dir.path)).toThrow(/not valid YAML at line \d+/);
  });

  it('says when the file does not exist', () => {
    try {
      checkRuntimeSpec('nope.yaml', dir.path);
      expect.unreachable();
    } catch (error) {
      expect(isFleetcastError(error, 'FLEETCAST_CONFIG_FILE')).toBe(true);
      expect((error as Error).message).toContain('does not exist');
    }
  });
});
