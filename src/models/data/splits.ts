/**
 * The two published evaluation splits of the kpp study (facts §4).
 *
 * Interpolation: of the sorted distinct user levels, the 5 middle ones are held out — indices
 * `start … start+4` with `start = floor((n − 5) / 2)` — which is the study's own rule (`train_ratio`
 * 0.9 of 50 levels → 5 held out, centred). On the normal run (60…109 users) that is 82, 83, 84, 85
 * and 86; min and max, and every level outside the block, stay in training. It needs at least 7
 * levels so that a training level lies on each side of the block.
 *
 * Extrapolation: everything of the training file trains, everything of the test file tests.
 */
import { FleetcastError } from '../../core/errors.js';
import { userLevels } from './aggregate.js';
import type { LoadStepRow } from './types.js';

export const HELD_OUT_LEVELS = 5;

export interface Split {
  train: LoadStepRow[];
  test: LoadStepRow[];
  /** User levels of the test rows. */
  testLevels: number[];
}

export function heldOutLevels(levels: readonly number[], count = HELD_OUT_LEVELS): number[] {
  const sorted = [...new Set(levels)].sort((a, b) => a - b);
  if (sorted.length < count + 2) {
    throw new FleetcastError(
      'FLEETCAST_INVALID_ARGUMENT',
      `the interpolation split needs at least ${count + 2} user levels, the data has ${sorted.length}`,
      {
        hint: `it holds out ${count} inner levels and keeps the lowest and highest in training; use a run with more load steps`,
        details: { levels: sorted },
      },
    );
  }
  const start = Math.floor((sorted.length - count) / 2);
  return sorted.slice(start, start + count);
}

export function interpolationSplit(rows: readonly LoadStepRow[]): Split {
  const testLevels = heldOutLevels(userLevels(rows));
  const held = new Set(testLevels);
  return {
    train: rows.filter((r) => !held.has(r.users)),
    test: rows.filter((r) => held.has(r.users)),
    testLevels,
  };
}

export function extrapolationSplit(train: readonly LoadStepRow[], test: readonly LoadStepRow[]): Split {
  const trainServices = new Set(train.map((r) => r.service));
  const unknown = [...new Set(test.map((r) => r.service))].filter((s) => !trainServices.has(s));
  if (unknown.length > 0) {
    throw new FleetcastError(
      'FLEETCAST_INVALID_ARGUMENT',
      `the test data has service(s) absent from training: ${unknown.sort().join(', ')}`,
      { hint: 'a per-service model can only predict services it was trained on', details: { services: unknown } },
    );
  }
  if (userLevels(train).length < 2) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', 'the training data has fewer than 2 user levels', {
      hint: 'the load laws need at least two load steps to fit a slope',
    });
  }
  return { train: [...train], test: [...test], testLevels: userLevels(test) };
}
