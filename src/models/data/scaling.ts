/**
 * Standard scaling whose parameters come from training rows only, so nothing about the test rows
 * leaks into the model through the scaler. Saved with the model as plain numbers.
 */
import { FleetcastError } from '../../core/errors.js';

export interface Scaler {
  mean: number;
  std: number;
}

/** Fits mean and standard deviation on finite training values; a constant column scales by 1. */
export function fitScaler(trainingValues: readonly number[]): Scaler {
  const finite = trainingValues.filter(Number.isFinite);
  if (finite.length === 0) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', 'cannot fit a scaler on no finite values', {
      hint: 'the training split is empty or entirely missing for this column',
    });
  }
  const mean = finite.reduce((a, b) => a + b, 0) / finite.length;
  const variance = finite.reduce((a, b) => a + (b - mean) ** 2, 0) / finite.length;
  const std = Math.sqrt(variance);
  return { mean, std: std > 0 ? std : 1 };
}

export const scale = (s: Scaler, value: number): number => (value - s.mean) / s.std;
export const unscale = (s: Scaler, value: number): number => value * s.std + s.mean;
