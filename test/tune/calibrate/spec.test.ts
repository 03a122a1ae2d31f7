import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWorkQueue, type WorkQueue } from '../../../src/core/queue/index.js';
import {
  BUILTIN_MODELS,
  createSampler,
  loadCalibrationSpec,
  MemoryStudy,
  runCalibration,
  seirObserved,
  workloadExample,
  workloadObserved,
} from '../../../src/tune/index.js';
import { tempDir } from '../../helpers/services.js';

const examples = fileURLToPath(new URL('../../../examples/calibrate/', import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

let dir: { path: string; remove: () => void };
let queue: WorkQueue;
beforeAll(() => {
  dir = tempDir();
  queue = openWorkQueue({ concurrency: 2 });
});
afterAll(async () => {
  await queue.close();
  dir.remove();
});

function writeSpec(name: string, text: string): string {
  const path = join(dir.path, name);
  writeFileSync(path, text);
  return path;
}

describe('the shipped calibration examples', () => {
  it('ship the data the built-in models make from the stated truth and seeds', () => {
    const seir = readFileSync(join(examples, 'seir-observed.csv'), 'utf8').trim().split('\n');
    expect(seir.slice(1)).toEqual(seirObserved().map((r) => `${r.day},${r.incidence},${r.onsets},${r.prevalence}`));
    const workload = readFileSync(join(examples, 'workload-observed.csv'), 'utf8').trim().split('\n');
    const series = workloadObserved();
    expect(workload).toHaveLength(series.values.length + 1);
    expect(workload[1]).toBe(
      `${new Date(series.timestamps[0] as number).toISOString().replace('.000Z', 'Z')},${series.values[0]}`,
    );
  });

  it('loads seir.yaml: the built-in model, three log1p point targets, CMA-ES with popsize 5', async () => {
    const plan = await loadCalibrationSpec(join(examples, 'seir.yaml'));
    expect(plan.module).toBe(BUILTIN_MODELS.seir);
    expect(plan.targets.map((t) => [t.name, t.kind, t.loss])).toEqual([
      ['incidence', 'points', 'mean_signal_mse'],
      ['onsets', 'points', 'mean_signal_mse'],
      ['prevalence', 'points', 'mean_signal_mse'],
    ]);
    expect(plan.sampler).toEqual({ name: 'cmaes', seed: '1', settings: { popsize: 5 } });
    expect(plan).toMatchObject({ trials: 200, replicates: 8 });
    expect(plan.space.names).toEqual(['beta', 'days', 'gamma', 'initial_infectious', 'population', 'sigma']);
  });

  it('loads workload.yaml with the observed statistics of the example', async () => {
    const plan = await loadCalibrationSpec(join(examples, 'workload.yaml'));
    const target = plan.targets[0]!;
    expect(target.kind).toBe('summary');
    const expected = workloadExample().targets[0]!.observed.values;
    target.observed.values.forEach((v, k) => {
      expect(v).toBeCloseTo(expected[k]!, 9);
    });
  });
});

describe('calibration specs with a user module', () => {
  const observedCsv = () => {
    // y = 2t observed at half steps (as-of join onto the integer grid), and 30 of 100 positive each day.
    const rows = ['time,y,day,positives,tested'];
    for (let i = 0; i < 9; i++) rows.push(`${i + 0.5},${2 * i},${i},30,100`);
    writeFileSync(join(dir.path, 'observed.csv'), `${rows.join('\n')}\n`);
  };

  const spec = (module: string, extra = '') => `
module: ${module}
space:
  slope: { type: float, low: 0, high: 5 }
  share: { type: float, low: 0.01, high: 0.99, transform: logit }
targets:
  - name: line
    table: series
    observed: { file: observed.csv }
    key: t
    observed_key: time
    value: y
    join: asof
    tolerance: 0.5
    loss: annealed_mse
  - name: survey
    table: survey
    observed: { file: observed.csv }
    key: day
    value: positives
    trials_col: tested
    loss: beta_binomial
    weight: 0.1
${extra}
sampler: tpe
trials: 24
replicates: 2
seed: 5
`;

  it.each([
    ['line-model.ts', 'TypeScript'],
    ['line-model.mjs', 'JavaScript'],
  ])(
    'fits slope and share with %s (%s) through the worker pool: as-of join and beta-binomial',
    async (file) => {
      observedCsv();
      const plan = await loadCalibrationSpec(writeSpec(`spec-${file}.yaml`, spec(fixture(file))));
      expect(plan.space.params.share).toMatchObject({ type: 'float', logit: [0, 1] });
      const study = new MemoryStudy({ name: file, space: plan.space, sampler: createSampler(plan.sampler) });
      const result = await runCalibration(study, queue, plan, { trials: plan.trials, replicates: plan.replicates });
      expect(result.summary).toMatchObject({ completed: 24, failed: 0 });
      expect(result.best!.params.slope).toBeGreaterThan(1.6);
      expect(result.best!.params.slope).toBeLessThan(2.4);
      expect(result.best!.params.share).toBeGreaterThan(0.15);
      expect(result.best!.params.share).toBeLessThan(0.5);
    },
    60_000,
  );

  it('fails a trial whose tables do not fit the targets, naming the problem', async () => {
    observedCsv();
    const plan = await loadCalibrationSpec(
      writeSpec('bad-table.yaml', spec(fixture('line-model.mjs')).replace('table: series', 'table: nope')),
    );
    const study = new MemoryStudy({ name: 'bad', space: plan.space, sampler: createSampler(plan.sampler) });
    const result = await runCalibration(study, queue, plan, { trials: 2 });
    expect(result.summary).toMatchObject({ completed: 0, failed: 2 });
    const first = (await study.history())[0]!;
    expect(study.result(first.trialId)?.error).toMatch(
      /the simulation returned no table "nope" \(tables: series, survey\)/,
    );
  });

  it.each([
    ['loss: beta_binomiall', /targets\.0: loss: Invalid option/],
    ['weight: -1', /targets\.0: weight: Too small/],
    ['colour: red', /targets\.0: (\(root\)|colour): Unrecognized key/],
  ])('names the path of an invalid target field (%s)', async (line, message) => {
    observedCsv();
    const text = spec(fixture('line-model.mjs')).replace('    loss: annealed_mse', `    ${line}`);
    await expect(loadCalibrationSpec(writeSpec('invalid.yaml', text))).rejects.toThrow(message);
  });

  it('refuses specs that cannot run, before anything starts', async () => {
    observedCsv();
    const base = spec(fixture('line-model.mjs'));
    const cases: Array<[string, RegExp]> = [
      [base.replace('trials: 24', 'trials: 0'), /trials: Too small/],
      [base.replace(fixture('line-model.mjs'), './missing.ts'), /simulation module .*missing.ts does not exist/],
      [base.replace('module: ', 'module: fleetcast:nothing #'), /no built-in model "fleetcast:nothing"/],
      [
        base.replace('trials_col: tested', 'trials_col: tested\n    trials: 100'),
        /give trials or trials_col, not both/,
      ],
      [
        base.replace('file: observed.csv }\n    key: day', 'file: nothing.csv }\n    key: day'),
        /nothing.csv does not exist/,
      ],
      [base.replace('    trials_col: tested\n', ''), /the beta_binomial loss needs the number of trials/],
      [
        base
          .replace('    loss: annealed_mse', '    loss: annealed_mse\n    transform: log1p')
          .replace('loss: beta_binomial', 'loss: beta_binomial\n    transform: sqrt'),
        /cannot take transform sqrt/,
      ],
      [base.replace('sampler: tpe', 'sampler: { name: tpe, popsize: 4 }'), /popsize and sigma0 are CMA-ES settings/],
      [base.replace('transform: logit', 'transform: logit, domain: [0.2, 1]'), /strictly inside its domain/],
      ['module: [', /is not valid YAML/],
    ];
    for (const [text, message] of cases) {
      await expect(loadCalibrationSpec(writeSpec('refused.yaml', text))).rejects.toThrow(message);
    }
    const summaryLikelihood = `module: ${fixture('line-model.mjs')}
space: { slope: { type: float, low: 0, high: 5 } }
targets:
  - { name: s, table: series, observed: { file: observed.csv }, summary: [mean], time: time, value: y, loss: binomial }
trials: 3
`;
    await expect(loadCalibrationSpec(writeSpec('summary.yaml', summaryLikelihood))).rejects.toThrow(
      /a summary target cannot use the binomial loss/,
    );
  });
});
