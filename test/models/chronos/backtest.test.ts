/**
 * Chronos-Bolt in the rolling-origin backtest: zero-shot, so each fold is forecast from its
 * training part with no fit, all folds of all series in one batched call before the fold loop.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type Forecast,
  openChronosBolt,
  rollingFolds,
  runBacktest,
  tinyChronosBoltForward,
  zeroShotForecasts,
} from '../../../src/models/index.js';
import { runInProcess } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/services.js';
import { expectClose, LEVELS, series } from './helpers.js';

const FIXTURE = fileURLToPath(new URL('../../../fixtures/tiny-chronos-bolt/', import.meta.url));
const temp = tempDir('fleetcast-chronos-backtest-');
afterAll(() => temp.remove());

const fleet = [
  { id: 'api', values: series(60, 1) },
  { id: 'db', values: series(50, 2) },
  { id: 'short', values: series(10, 3) },
];

describe('chronos in the backtest', () => {
  it('forecasts every fold from its training part only, with one batched model call', async () => {
    const chronos = await openChronosBolt(FIXTURE);
    let requests = 0;
    const counting = {
      forecastMany: (batch: Parameters<typeof chronos.forecastMany>[0]) => {
        requests += batch.length;
        return chronos.forecastMany(batch);
      },
    };
    const options = { horizon: 4, folds: 3 };
    const precomputed = new Map([['chronos', await zeroShotForecasts(fleet, options, counting)]]);
    expect(requests).toBe(6); // 'short' cannot be backtested: it is not forecast
    const seen: Array<{ id: string; fold: number; origin: number; forecast: Forecast }> = [];
    const report = runBacktest(fleet, {
      ...options,
      models: ['naive', 'chronos'],
      precomputed,
      onForecast: (id, model, fold, origin, forecast) => {
        if (model === 'chronos') seen.push({ id, fold, origin, forecast });
      },
    });
    expect(report.models.map((m) => m.model)).toEqual(['naive', 'chronos']);
    expect(report.skipped.map((s) => s.id)).toEqual(['short']);
    expect(seen).toHaveLength(6);
    for (const { id, fold, origin, forecast } of seen) {
      const values = fleet.find((s) => s.id === id)!.values;
      expect(origin).toBe(rollingFolds(values.length, 4, 3)[fold]!.origin);
      const closed = tinyChronosBoltForward(values.slice(0, origin).slice(-32)).map((row) => row.slice(0, 4));
      expectClose(forecast.quantiles, closed);
    }
    expect(report.series[0]!.scores.chronos!.mase).toBeGreaterThan(0);
    expect(Object.keys(report.series[0]!.relative)).toEqual(['naive', 'chronos']);
    expect(seen[0]!.forecast.quantiles).toHaveLength(LEVELS.length);
    // Without its forecasts, a precomputed model is refused rather than silently skipped.
    const partial = new Map([['chronos', new Map([['api', precomputed.get('chronos')!.get('api')!]])]]);
    expect(() => runBacktest(fleet, { ...options, models: ['chronos'], precomputed: partial })).toThrow(
      /chronos has no forecast for each fold of db/,
    );
    expect(() => runBacktest(fleet, { ...options, models: ['chronos'] })).toThrow(/unknown model "chronos"/);
    await chronos.dispose();
  });

  it('runs from the command line with --chronos DIR', async () => {
    const rows = fleet.flatMap((s) =>
      s.values.map((v, i) => `${s.id},${new Date(Date.UTC(2026, 0, 1, i)).toISOString()},${v}`),
    );
    writeFileSync(join(temp.path, 'cpu.csv'), `service,ts,cpu\n${rows.join('\n')}\n`);
    const args = ['backtest', '--input', 'cpu.csv', '--time-col', 'ts', '--value-col', 'cpu', '--id-col', 'service'];
    const run = await runInProcess(
      [...args, '--horizon', '4', '--folds', '2', '--models', 'naive', '--chronos', FIXTURE, '--json'],
      {
        cwd: temp.path,
      },
    );
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.models.map((m: { model: string }) => m.model)).toEqual(['naive', 'chronos']);
    expect(report.models[1].relativeMase).toBeGreaterThan(0);
    const missing = await runInProcess([...args, '--horizon', '4', '--models', 'naive,chronos'], { cwd: temp.path });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--models chronos needs --chronos DIR/);
  });
});
