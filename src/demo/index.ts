/**
 * `fleetcast demo` (what `npm start` runs): the whole loop on embedded defaults — simulate a fleet,
 * measure the demo app under load, backtest and train, register and promote, run the scheduled
 * prediction, calibrate, then serve the models with the dashboard. Every step is recorded and
 * reused on the next run; `fresh` starts over.
 */
import { join } from 'node:path';
import type { FleetcastConfig } from '../core/config/schema.js';
import { makeFolderSync } from '../core/folders.js';
import type { DemoContext } from './context.js';
import { backtestStep, schedulePredictStep, simulateStep, trainForecastStep } from './forecast-steps.js';
import { calibrateStep, collectStep, performanceStep } from './service-steps.js';
import { DemoState, type DemoStep, runSteps, type StepReport } from './steps.js';

export type { DemoContext } from './context.js';
export { FORECAST_MODEL, PREDICTIONS_TABLE, SCHEDULE_NAME } from './forecast-steps.js';
export { CALIBRATION_STUDY, PERFORMANCE_MODEL, sweepPath } from './service-steps.js';
export type { StepReport } from './steps.js';

export interface DemoOptions {
  config: FleetcastConfig;
  env: NodeJS.ProcessEnv;
  fresh?: boolean;
  fleet?: number;
  days?: number;
  seed?: number;
  progress: DemoContext['progress'];
  /** Called as each step starts and ends (the CLI prints a line per step). */
  onStep?: (event: {
    phase: 'start' | 'end';
    index: number;
    total: number;
    title: string;
    report?: StepReport;
  }) => void;
}

export interface DemoResult {
  ok: boolean;
  seconds: number;
  steps: StepReport[];
  home: string;
}

export const DEMO_STEPS: ReadonlyArray<DemoStep<DemoContext>> = [
  simulateStep,
  collectStep,
  backtestStep,
  trainForecastStep,
  performanceStep,
  schedulePredictStep,
  calibrateStep,
];

export function demoContext(options: DemoOptions): DemoContext {
  const dir = join(options.config.home, 'demo');
  return {
    config: options.config,
    env: options.env,
    dir,
    fleet: options.fleet ?? 50,
    days: options.days ?? 14,
    interval: '15m',
    seed: options.seed ?? 42,
    // A day ahead in hourly steps (the forecaster trains on hourly means), with the daily season.
    horizon: 24,
    season: 24,
    forecastModel: 'auto',
    backtestModels: ['naive', 'ets'],
    calibrationTrials: 40,
    progress: options.progress,
  };
}

export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const started = performance.now();
  const context = demoContext(options);
  makeFolderSync(context.dir);
  if (options.fresh) DemoState.clear(context.dir);
  const state = new DemoState(context.dir);
  const steps = await runSteps(DEMO_STEPS, context, state, (event) =>
    options.onStep?.({
      phase: event.phase,
      index: event.index,
      total: event.total,
      title: event.step.title,
      ...(event.report ? { report: event.report } : {}),
    }),
  );
  return {
    ok: steps.every((s) => s.status === 'done' || s.status === 'reused'),
    seconds: Math.round((performance.now() - started) / 100) / 10,
    steps,
    home: options.config.home,
  };
}
