/**
 * Grid search. Categorical, fixed and small integer parameters contribute every value; continuous
 * ones `pointsPerAxis` points evenly spaced on their own scale (so log parameters get a
 * geometric grid), unless explicit values are given. Grid points are visited in a seeded random
 * order (as Optuna's GridSampler does), trial n taking point n of that order; after the last point
 * the order repeats, and `isExhausted` tells a study when to stop.
 */
import { type ParamSet, type ParamValue, paramSet } from '../../contracts/index.js';
import { FleetcastError } from '../../core/errors.js';
import { mixSeed, Rng } from '../random.js';
import {
  contains,
  type Distribution,
  fromInternal,
  numericValue,
  type SearchSpace,
  toInternal,
} from '../space/index.js';
import type { SampleContext, Sampler, SamplerOptions } from './types.js';

export interface GridSamplerOptions extends SamplerOptions {
  /** Points per continuous (or large discrete) axis; default 10. */
  pointsPerAxis?: number;
  /** Explicit grid values per parameter; each must lie in its distribution. */
  values?: Readonly<Record<string, readonly ParamValue[]>>;
}

/** Grids larger than this would need a permutation too big to hold; ask for fewer points instead. */
const MAX_GRID_POINTS = 1_000_000;

interface Grid {
  readonly names: readonly string[];
  readonly axes: readonly (readonly ParamValue[])[];
  readonly order: Uint32Array;
}

function axisValues(d: Distribution, points: number): ParamValue[] {
  switch (d.type) {
    case 'fixed':
      return [d.value];
    case 'categorical':
      return [...d.choices];
    default: {
      const discrete = d.type === 'int' || d.step !== undefined;
      const step = d.type === 'int' ? d.step : (d.step ?? 0);
      // A discrete axis with few enough values contributes all of them, log-scaled or not.
      if (discrete) {
        const count = Math.round((d.high - d.low) / step) + 1;
        if (count <= points)
          return Array.from({ length: count }, (_, k) => numericValue(d, Math.min(d.low + k * step, d.high)));
      }
      if (d.low === d.high) return [numericValue(d, d.low)];
      // Evenly spaced on the value's own scale (log for log parameters), endpoints included.
      const lo = toInternal(d, d.low);
      const hi = toInternal(d, d.high);
      const seen = new Map<number, ParamValue>();
      for (let k = 0; k < points; k++) {
        const x = fromInternal(d, points === 1 ? (lo + hi) / 2 : lo + ((hi - lo) * k) / (points - 1));
        if (!seen.has(x)) seen.set(x, numericValue(d, x));
      }
      return [...seen.values()];
    }
  }
}

export class GridSampler implements Sampler {
  readonly name = 'grid';
  private seed: bigint;
  private readonly pointsPerAxis: number;
  private readonly values: Readonly<Record<string, readonly ParamValue[]>>;
  private cache = new WeakMap<SearchSpace, Grid>();

  constructor(options: GridSamplerOptions = {}) {
    this.seed = BigInt(options.seed ?? 0);
    this.pointsPerAxis = options.pointsPerAxis ?? 10;
    if (!Number.isInteger(this.pointsPerAxis) || this.pointsPerAxis < 1) {
      throw new FleetcastError(
        'FLEETCAST_INVALID_ARGUMENT',
        `pointsPerAxis must be a positive integer, got ${this.pointsPerAxis}`,
        {
          hint: 'use 1 or more points per axis',
        },
      );
    }
    this.values = options.values ?? {};
  }

  reseed(seed: bigint | number): void {
    this.seed = BigInt(seed);
    this.cache = new WeakMap();
  }

  private grid(space: SearchSpace): Grid {
    const cached = this.cache.get(space);
    if (cached) return cached;
    const names = space.names;
    const axes = names.map((name) => {
      const d = space.params[name]!;
      const explicit = this.values[name];
      if (explicit === undefined) return axisValues(d, this.pointsPerAxis);
      for (const v of explicit) {
        if (!contains(d, v)) {
          throw new FleetcastError(
            'FLEETCAST_INVALID_ARGUMENT',
            `grid value ${JSON.stringify(v.value)} is outside parameter "${name}"`,
            {
              hint: 'give grid values that the search space allows',
              details: { param: name },
            },
          );
        }
      }
      return [...explicit];
    });
    const size = axes.reduce((n, axis) => n * axis.length, 1);
    if (size > MAX_GRID_POINTS || size < 1) {
      throw new FleetcastError(
        'FLEETCAST_INVALID_ARGUMENT',
        `the grid has ${size} points, more than ${MAX_GRID_POINTS}`,
        {
          hint: 'lower pointsPerAxis or give explicit values for the widest parameters',
        },
      );
    }
    const order = new Uint32Array(size);
    for (let i = 0; i < size; i++) order[i] = i;
    const rng = new Rng(mixSeed(this.seed, 0x67726964)); // "grid"
    for (let i = size - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      const t = order[i]!;
      order[i] = order[j]!;
      order[j] = t;
    }
    const grid = { names, axes, order };
    this.cache.set(space, grid);
    return grid;
  }

  /** Number of distinct grid points for this space. */
  size(space: SearchSpace): number {
    return this.grid(space).order.length;
  }

  /** True once trial `number` would revisit a grid point. */
  isExhausted(space: SearchSpace, number: number): boolean {
    return number >= this.size(space);
  }

  sample(space: SearchSpace, context: SampleContext): ParamSet {
    const grid = this.grid(space);
    let index = grid.order[context.number % grid.order.length]!;
    const out: Record<string, ParamValue> = {};
    // Mixed-radix decoding of the grid index, last name fastest.
    for (let i = grid.names.length - 1; i >= 0; i--) {
      const axis = grid.axes[i]!;
      out[grid.names[i]!] = axis[index % axis.length]!;
      index = Math.floor(index / axis.length);
    }
    return paramSet(out);
  }
}
