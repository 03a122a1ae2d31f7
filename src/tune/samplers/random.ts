/** Random search: each sampled parameter uniform on its internal scale (log-uniform when log). */
import type { ParamSet } from '../../contracts/index.js';
import { mixSeed, Rng } from '../random.js';
import { paramsFromUnit, type SearchSpace, sampledNames } from '../space/index.js';
import type { SampleContext, Sampler, SamplerOptions } from './types.js';

export class RandomSampler implements Sampler {
  readonly name = 'random';
  private seed: bigint;

  constructor(options: SamplerOptions = {}) {
    this.seed = BigInt(options.seed ?? 0);
  }

  reseed(seed: bigint | number): void {
    this.seed = BigInt(seed);
  }

  sample(space: SearchSpace, context: SampleContext): ParamSet {
    return sampleUniform(space, new Rng(mixSeed(this.seed, context.number)));
  }
}

/** One uniform draw per sampled parameter in space order; shared with TPE's start-up phase. */
export function sampleUniform(space: SearchSpace, rng: Rng): ParamSet {
  const names = sampledNames(space);
  const u = names.map(() => rng.float());
  return paramsFromUnit(space, names, u);
}
