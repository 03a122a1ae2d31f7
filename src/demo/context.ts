import type { FleetcastConfig } from '../core/config/schema.js';

/** What every demo step reads: the configuration and the demo's sizes (defaults in demo/index.ts). */
export interface DemoContext {
  config: FleetcastConfig;
  env: NodeJS.ProcessEnv;
  /** The demo's own folder under the home: state file, sweep CSV, reports, plots. */
  dir: string;
  fleet: number;
  days: number;
  interval: string;
  seed: number;
  horizon: number;
  season: number;
  forecastModel: string;
  backtestModels: string[];
  calibrationTrials: number;
  /** Where long steps report progress (stderr). */
  progress: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
}
