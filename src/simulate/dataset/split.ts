/**
 * Chronological train / validation / test split of the sample grid. Each split is one contiguous
 * time range and every resource is cut at the same instants, so no forecasting window built inside
 * a split can reach into another, and no future sample of any resource leaks into training.
 */
import { FleetcastError } from '../../core/index.js';
import type { TimeGrid } from '../generator/types.js';

export const SPLIT_NAMES = ['train', 'validation', 'test'] as const;
export type SplitName = (typeof SPLIT_NAMES)[number];

export interface SplitRange {
  name: SplitName;
  /** Sample indices [fromRow, toRow) of every resource. */
  fromRow: number;
  toRow: number;
  fromMs: number;
  toMs: number;
}

/** `0.7,0.15,0.15` → three fractions summing to 1 (percentages summing to 100 also accepted). */
export function parseSplit(value: string | readonly number[]): [number, number, number] {
  const parts = typeof value === 'string' ? value.split(',').map((p) => Number(p.trim())) : [...value];
  const sum = parts.reduce((a, b) => a + b, 0);
  const scale = Math.abs(sum - 1) <= 0.005 ? 1 : Math.abs(sum - 100) <= 0.5 ? 100 : undefined;
  if (parts.length !== 3 || parts.some((p) => !Number.isFinite(p) || p <= 0) || scale === undefined) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `cannot use the split ${JSON.stringify(String(value))}`, {
      hint: 'give three positive fractions for train, validation and test that sum to 1, such as 0.7,0.15,0.15',
    });
  }
  return [(parts[0] ?? 0) / sum, (parts[1] ?? 0) / sum, (parts[2] ?? 0) / sum];
}

export function splitGrid(grid: TimeGrid, fractions: readonly [number, number, number]): SplitRange[] {
  const trainRows = Math.floor(grid.rows * fractions[0]);
  const validationRows = Math.floor(grid.rows * fractions[1]);
  const bounds = [0, trainRows, trainRows + validationRows, grid.rows];
  const ranges = SPLIT_NAMES.map((name, i) => {
    const fromRow = bounds[i] ?? 0;
    const toRow = bounds[i + 1] ?? grid.rows;
    return {
      name,
      fromRow,
      toRow,
      fromMs: grid.startMs + fromRow * grid.stepMs,
      toMs: grid.startMs + toRow * grid.stepMs,
    };
  });
  const empty = ranges.find((r) => r.toRow <= r.fromRow);
  if (empty) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `the ${empty.name} split would hold no samples`, {
      hint: 'lengthen the range, shorten the interval, or give that split a larger share',
    });
  }
  return ranges;
}
