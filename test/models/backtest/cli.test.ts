import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliContext } from '../../../src/cli/context.js';
import { registerBacktest } from '../../../src/cli/verbs/backtest.js';
import type { BacktestReport } from '../../../src/models/backtest/index.js';
import { cleanEnv } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/services.js';
import { trendSeasonAr } from '../forecast/synthetic.js';

let dir: { path: string; remove: () => void };
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.remove());

/** Runs `fleetcast backtest …` in-process the way src/cli/main.ts wires a verb. */
async function backtest(args: string[]): Promise<{ stdout: string; stderr: string; error?: unknown }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
  });
  stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString('utf8');
  });
  const context = new CliContext({ stdout, stderr, env: cleanEnv(), cwd: dir.path, interactive: false });
  const program = new Command('fleetcast').exitOverride().configureOutput({
    writeOut: (text) => stdout.write(text),
    writeErr: (text) => stderr.write(text),
    outputError: () => {},
  });
  registerBacktest(program, context);
  try {
    await program.parseAsync(['backtest', ...args], { from: 'user' });
    return { stdout: out, stderr: err };
  } catch (error) {
    return { stdout: out, stderr: err, error };
  }
}

function writeCsv(name: string, rows: string[]): string {
  writeFileSync(join(dir.path, name), `${rows.join('\n')}\n`);
  return name;
}

const hourly = (values: number[], id?: string) =>
  values.map((v, t) => `${new Date(Date.UTC(2024, 0, 1, t)).toISOString()},${id ? `${id},` : ''}${v}`);

describe('fleetcast backtest', () => {
  it('prints per-model and per-series metrics as JSON, with progress on stderr', async () => {
    const rows = [...hourly(trendSeasonAr(24 * 7, 1), 'web'), ...hourly(trendSeasonAr(24 * 7, 2), 'db')];
    const file = writeCsv('fleet.csv', ['time,service,cpu', ...rows]);
    const result = await backtest([
      '--input',
      file,
      '--time-col',
      'time',
      '--value-col',
      'cpu',
      '--id-col',
      'service',
      '--horizon',
      '12',
      '--folds',
      '2',
      '--season',
      '24',
      '--models',
      'naive,ets',
      '--json',
    ]);
    expect(result.error).toBeUndefined();
    const report = JSON.parse(result.stdout) as BacktestReport;
    expect(report.models.map((m) => m.model)).toEqual(['naive', 'ets']);
    expect(report.series.map((s) => s.id)).toEqual(['web', 'db']);
    expect(Object.keys(report.series[0]!.scores.ets!).sort()).toEqual(
      ['coverage80', 'mae', 'mape', 'mase', 'rmse', 'smape', 'wql'].sort(),
    );
    expect(report.models[1]!.relativeMase).toBeGreaterThan(0);
    expect(result.stderr).toMatch(/backtest: .*8\/8 100%/);
  });

  it('prints a readable table without --json and warns about skipped series', async () => {
    const file = writeCsv('two.csv', [
      'time,id,v',
      ...hourly(trendSeasonAr(24 * 5, 3), 'a'),
      ...hourly(new Array(24 * 5).fill(1), 'flat'),
    ]);
    const result = await backtest([
      '--input',
      file,
      '--time-col',
      'time',
      '--value-col',
      'v',
      '--id-col',
      'id',
      '--horizon',
      '6',
      '--folds',
      '2',
      '--season',
      '24',
      '--models',
      'auto',
    ]);
    expect(result.error).toBeUndefined();
    expect(result.stdout).toMatch(/^backtest: 1 series, 2 folds × horizon 6, season 24/);
    expect(result.stdout).toMatch(/model\s+mae\s+rmse/);
    expect(result.stdout).toMatch(/\nauto\s+\d/);
    expect(result.stdout).toMatch(/auto chose/);
    expect(result.stderr).toMatch(/warning: skipped series flat: constant series/);
  });

  it('pools by --group-col, fills a gap, and writes one forecast plot per series with --plots', async () => {
    const rows = ['time,id,kind,v'];
    for (const [k, id] of ['a', 'b', 'c'].entries()) {
      const values = trendSeasonAr(24 * 4, 20 + k);
      // Series b misses two hours: interpolated, and reported on stderr.
      const kept = hourly(values, `${id},${k < 2 ? 'web' : 'db'}`).filter(
        (_, t) => id !== 'b' || (t !== 30 && t !== 31),
      );
      rows.push(...kept);
    }
    const file = writeCsv('fleet.csv', rows);
    const result = await backtest([
      ...['--input', file, '--time-col', 'time', '--value-col', 'v', '--id-col', 'id', '--group-col', 'kind'],
      ...[
        '--horizon',
        '12',
        '--folds',
        '2',
        '--season',
        '24',
        '--models',
        'naive,pooled',
        '--plots',
        'plots',
        '--json',
      ],
    ]);
    expect(result.error).toBeUndefined();
    const report = JSON.parse(result.stdout) as BacktestReport & { plots: string[]; repaired: unknown[] };
    expect(report.models.map((m) => m.model)).toEqual(['naive', 'pooled']);
    expect(report.series.map((s) => s.length)).toEqual([96, 96, 96]);
    expect(report.repaired).toEqual([{ series: 'b', interpolated: 2, longGapFilled: 0 }]);
    expect(result.stderr).toMatch(/series b: filled 2 missing step\(s\) by interpolation/);
    expect(report.plots.map((p) => p.replace(/.*\//, ''))).toEqual([
      'a_last_fold.svg',
      'b_last_fold.svg',
      'c_last_fold.svg',
    ]);
    const svg = readFileSync(report.plots[0]!, 'utf8');
    expect(svg).toContain('naive (band: 10–90 %)');
    expect(svg).toContain('pooled (band: 10–90 %)');
  });

  it('fails with one clear error for bad input', async () => {
    const good = writeCsv('good.csv', ['t,v', ...hourly(trendSeasonAr(60, 4))]);
    const cases: [string[], RegExp][] = [
      [
        ['--input', good, '--time-col', 'time', '--value-col', 'v', '--horizon', '6'],
        /column "time" \(--time-col\) is not in the header/,
      ],
      [
        ['--input', good, '--time-col', 't', '--value-col', 'v', '--horizon', '0'],
        /--horizon 0 is not a positive integer/,
      ],
      [['--input', good, '--time-col', 't', '--value-col', 'v', '--horizon', '6', '--folds', 'x'], /--folds x/],
      [
        ['--input', good, '--time-col', 't', '--value-col', 'v', '--horizon', '24', '--season', '24'],
        /60 rows, but 3 folds × horizon 24 plus 48 training rows/,
      ],
      [
        ['--input', good, '--time-col', 't', '--value-col', 'v', '--horizon', '6', '--models', 'naive,prophet'],
        /unknown model "prophet"/,
      ],
      [
        ['--input', 'missing.csv', '--time-col', 't', '--value-col', 'v', '--horizon', '6'],
        /cannot read --input missing.csv/,
      ],
      [
        ['--input', 'fleet.parquet', '--time-col', 't', '--value-col', 'v', '--horizon', '6'],
        /--input fleet.parquet is not a CSV file/,
      ],
      [
        [
          '--input',
          writeCsv('two.csv', ['t,v', '1,2', '1,3']),
          '--time-col',
          't',
          '--value-col',
          'v',
          '--horizon',
          '1',
        ],
        /has two values at time/,
      ],
      [
        [
          '--input',
          writeCsv('nan.csv', ['t,v', '1,2', '2,nan']),
          '--time-col',
          't',
          '--value-col',
          'v',
          '--horizon',
          '1',
        ],
        /row 3: column "v" holds "nan"/,
      ],
    ];
    for (const [args, message] of cases) {
      const result = await backtest(args);
      expect(result.error, args.join(' ')).toMatchObject({
        name: 'FleetcastError',
        message: expect.stringMatching(message),
      });
      expect((result.error as { hint?: string }).hint, args.join(' ')).toBeTruthy();
    }
    const twoSeries = await backtest([
      '--input',
      join(dir.path, 'two.csv'),
      '--time-col',
      't',
      '--value-col',
      'v',
      '--horizon',
      '1',
    ]);
    expect((twoSeries.error as { hint?: string }).hint).toMatch(/--id-col/);
  });
});
