/**
 * Checks every forecaster applies before fitting, so bad input fails with one clear error instead of
 * a NaN forecast deep inside a recursion.
 */
import { FleetcastError } from '../../core/errors.js';

export function checkSeries(series: readonly number[], name: string): void {
  if (series.length === 0) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `${name}: cannot fit an empty series`, {
      hint: 'give at least one observation',
    });
  }
  for (const [index, value] of series.entries()) {
    if (!Number.isFinite(value)) {
      throw new FleetcastError(
        'FLEETCAST_INVALID_ARGUMENT',
        `${name}: value ${value} at index ${index} is not finite`,
        {
          hint: 'remove or fill NaN and infinite values before fitting',
        },
      );
    }
  }
}

export function checkSeason(season: number | undefined): number {
  const m = season ?? 1;
  if (!Number.isInteger(m) || m < 1) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `season ${m} is not a positive integer`, {
      hint: 'give the season length in steps, e.g. 24 for hourly data with a daily cycle',
    });
  }
  return m;
}

export function checkHorizon(horizon: number): void {
  if (!Number.isInteger(horizon) || horizon < 1) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `horizon ${horizon} is not a positive integer`, {
      hint: 'forecast at least one step ahead',
    });
  }
}

export function notFitted(name: string): FleetcastError {
  return new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `${name}: forecast called before fit`, {
    hint: 'fit the forecaster (or load a saved one) first',
  });
}

export function finiteNumber(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `forecaster parameter ${what} is not a finite number`, {
      hint: 'the saved parameters are damaged; fit and save the model again',
    });
  }
  return value;
}

export function finiteArray(value: unknown, what: string): number[] {
  if (!Array.isArray(value)) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `forecaster parameter ${what} is not an array`, {
      hint: 'the saved parameters are damaged; fit and save the model again',
    });
  }
  return value.map((v, i) => finiteNumber(v, `${what}[${i}]`));
}
