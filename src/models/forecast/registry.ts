/**
 * Forecasters by name: one place that builds a fresh forecaster for the command line and rebuilds a
 * fitted one from its saved JSON, dispatching on the `model` parameter.
 */
import { FleetcastError } from '../../core/errors.js';
import { Ets } from './ets.js';
import { GaussianProcess } from './gp.js';
import { GruForecaster } from './gru/forecaster.js';
import { SeasonalNaive } from './naive.js';
import { fitPooledFleet, PooledForecaster } from './pooled/forecaster.js';
import type { FleetFitter, Forecaster, ForecasterParams } from './types.js';

type Factory = () => Forecaster;
type Reviver = (params: ForecasterParams) => Forecaster;

const factories = new Map<string, Factory>([
  ['naive', () => new SeasonalNaive()],
  ['ets', () => new Ets()],
  ['gp', () => new GaussianProcess()],
  ['gru', () => new GruForecaster()],
  ['pooled', () => new PooledForecaster()],
]);

const revivers = new Map<string, Reviver>([
  ['naive', (params) => SeasonalNaive.fromJSON(params)],
  ['ets', (params) => Ets.fromJSON(params)],
  ['gp', (params) => GaussianProcess.fromJSON(params)],
  ['gru', (params) => GruForecaster.fromJSON(params)],
  ['pooled', (params) => PooledForecaster.fromJSON(params)],
]);

/**
 * Forecasters that fit a whole fleet at once. Fitted on one series through `createForecaster` they
 * are their unpooled selves; the backtest and the fleet bundle fit them through this table instead.
 */
const fleetFitters = new Map<string, FleetFitter>([
  ['pooled', (fleet, options) => fitPooledFleet(fleet, options.season !== undefined ? { season: options.season } : {})],
]);

export function fleetFitter(name: string): FleetFitter | undefined {
  return fleetFitters.get(name);
}

/** Names accepted by `createForecaster` (and `--models`). */
export function forecasterNames(): string[] {
  return [...factories.keys()];
}

/** Adds a forecaster defined elsewhere (e.g. the GRU) to both tables. */
export function registerForecaster(name: string, factory: Factory, reviver: Reviver): void {
  factories.set(name, factory);
  revivers.set(name, reviver);
}

export function createForecaster(name: string): Forecaster {
  const factory = factories.get(name);
  if (!factory) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `unknown forecaster "${name}"`, {
      hint: `known forecasters: ${forecasterNames().join(', ')}`,
    });
  }
  return factory();
}

export function forecasterFromJSON(params: unknown): Forecaster {
  const model =
    typeof params === 'object' && params !== null && 'model' in params
      ? (params as { model: unknown }).model
      : undefined;
  const reviver = typeof model === 'string' ? revivers.get(model) : undefined;
  if (!reviver) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `saved forecaster has unknown model "${String(model)}"`, {
      hint: `known forecasters: ${[...revivers.keys()].join(', ')}`,
    });
  }
  return reviver(params as ForecasterParams);
}
