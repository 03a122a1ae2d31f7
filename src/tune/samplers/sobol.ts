/**
 * Quasi-random search over a scrambled Sobol sequence: trial n takes point n, mapped through each
 * parameter's unit scale. Scrambling is seeded, so a study replays exactly; `scramble: false`
 * gives the textbook sequence (whose first point is the lower corner of the space).
 */
import type { ParamSet } from '../../contracts/index.js';
import { FleetcastError } from '../../core/errors.js';
import { mixSeed } from '../random.js';
import { paramsFromUnit, type SearchSpace, sampledNames } from '../space/index.js';
import { MAX_SOBOL_DIMENSIONS } from './sobol/direction-numbers.js';
import { SobolSequence } from './sobol/sequence.js';
import type { SampleContext, Sampler, SamplerOptions } from './types.js';

export interface SobolSamplerOptions extends SamplerOptions {
  /** Default true. */
  scramble?: boolean;
}

export class SobolSampler implements Sampler {
  readonly name = 'sobol';
  private seed: bigint;
  private readonly scramble: boolean;
  private cache = new WeakMap<SearchSpace, { names: string[]; sequence: SobolSequence }>();

  constructor(options: SobolSamplerOptions = {}) {
    this.seed = BigInt(options.seed ?? 0);
    this.scramble = options.scramble ?? true;
  }

  reseed(seed: bigint | number): void {
    this.seed = BigInt(seed);
    this.cache = new WeakMap();
  }

  private sequence(space: SearchSpace): { names: string[]; sequence: SobolSequence } {
    const cached = this.cache.get(space);
    if (cached) return cached;
    const names = sampledNames(space);
    if (names.length > MAX_SOBOL_DIMENSIONS) {
      throw new FleetcastError(
        'FLEETCAST_INVALID_ARGUMENT',
        `Sobol supports at most ${MAX_SOBOL_DIMENSIONS} sampled parameters, got ${names.length}`,
        {
          hint: 'use the random or TPE sampler for wider spaces',
        },
      );
    }
    const entry = {
      names,
      sequence: new SobolSequence(
        Math.max(names.length, 1),
        this.scramble ? mixSeed(this.seed, 0x736f626f6c) : undefined,
      ),
    };
    this.cache.set(space, entry);
    return entry;
  }

  sample(space: SearchSpace, context: SampleContext): ParamSet {
    const { names, sequence } = this.sequence(space);
    return paramsFromUnit(space, names, sequence.point(context.number));
  }
}
