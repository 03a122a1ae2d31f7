/**
 * CMA-ES for continuous spaces (float and int parameters; ints are rounded after sampling, as
 * Optuna does). Trials are handed out as members of the current generation; once λ of them have
 * completed, the generation is told and the next one starts. Failed or timed-out members are
 * replaced by extra draws. Candidate k of generation g draws from (seed, g, k), so a study replays
 * exactly as long as the sampler object lives (the generation bookkeeping is kept in memory).
 */
import type { ParamSet } from '../../contracts/index.js';
import { FleetcastError } from '../../core/errors.js';
import { mixSeed, Rng } from '../random.js';
import { paramsFromUnit, type SearchSpace, sampledNames } from '../space/index.js';
import { Cma, type CmaOptions } from './cmaes/cma.js';
import type { SampleContext, Sampler, SamplerOptions } from './types.js';

export interface CmaEsSamplerOptions extends SamplerOptions, Omit<CmaOptions, 'mean'> {}

interface Run {
  readonly names: string[];
  readonly cma: Cma;
  /** Trial number → (generation, unit-cube point) for trials this sampler proposed. */
  readonly members: Map<number, { generation: number; x: Float64Array }>;
  /** Candidates drawn so far in the current generation. */
  drawn: number;
}

export class CmaEsSampler implements Sampler {
  readonly name = 'cmaes';
  private seed: bigint;
  private readonly options: CmaEsSamplerOptions;
  private runs = new WeakMap<SearchSpace, Run>();

  constructor(options: CmaEsSamplerOptions = {}) {
    this.seed = BigInt(options.seed ?? 0);
    this.options = options;
  }

  reseed(seed: bigint | number): void {
    this.seed = BigInt(seed);
    this.runs = new WeakMap();
  }

  private run(space: SearchSpace): Run {
    const existing = this.runs.get(space);
    if (existing) return existing;
    const names = sampledNames(space);
    const categorical = names.filter((n) => space.params[n]!.type === 'categorical');
    if (categorical.length > 0) {
      throw new FleetcastError(
        'FLEETCAST_INVALID_ARGUMENT',
        `CMA-ES needs a continuous space; ${categorical.join(', ')} is categorical`,
        {
          hint: 'use the TPE sampler for spaces with categorical parameters, or fix them',
        },
      );
    }
    const run: Run = {
      names,
      cma: new Cma(Math.max(names.length, 1), {
        ...(this.options.sigma0 === undefined ? {} : { sigma0: this.options.sigma0 }),
        ...(this.options.popsize === undefined ? {} : { popsize: this.options.popsize }),
      }),
      members: new Map(),
      drawn: 0,
    };
    this.runs.set(space, run);
    return run;
  }

  sample(space: SearchSpace, context: SampleContext): ParamSet {
    const run = this.run(space);
    this.advance(run, context);
    const rng = new Rng(mixSeed(this.seed, run.cma.generation, run.drawn));
    run.drawn += 1;
    const x = run.cma.ask(rng);
    run.members.set(context.number, { generation: run.cma.generation, x });
    return paramsFromUnit(space, run.names, x);
  }

  /** Tells every generation that has λ completed members. */
  private advance(run: Run, context: SampleContext): void {
    for (;;) {
      const generation = run.cma.generation;
      const done: { x: Float64Array; value: number }[] = [];
      for (const trial of context.history) {
        const member = run.members.get(trial.number);
        if (member?.generation === generation && trial.state === 'completed')
          done.push({ x: member.x, value: trial.loss! });
        if (done.length === run.cma.popsize) break;
      }
      if (done.length < run.cma.popsize) return;
      run.cma.tell(done);
      run.drawn = 0;
    }
  }
}
