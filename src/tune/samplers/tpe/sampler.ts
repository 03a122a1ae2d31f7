/**
 * Tree-structured Parzen Estimator with Optuna's defaults: 10 random start-up trials, then per
 * parameter 24 candidates drawn from the "good" estimator l(x) and the one maximising
 * l(x) / g(x) kept; "good" is the best min(⌈0.1·n⌉, 25) completed trials. Parameters are modelled
 * independently (Optuna's default, multivariate=False) on their internal scale, so log, int and
 * step parameters are handled where they live.
 *
 * Constant liar (on by default): trials still running count as bad — they join the "above" group,
 * as if they had the worst loss observed — so parallel asks spread out instead of piling onto the
 * same promising point.
 */
import { type ParamSet, type ParamValue, paramSet } from '../../../contracts/index.js';
import { FleetcastError } from '../../../core/errors.js';
import { mixSeed, Rng } from '../../random.js';
import {
  choiceIndex,
  contains,
  type Distribution,
  fromInternal,
  internalScale,
  type NumericDistribution,
  numericValue,
  type SearchSpace,
  toInternal,
} from '../../space/index.js';
import { sampleUniform } from '../random.js';
import type { SampleContext, Sampler, SamplerOptions, TrialRecord } from '../types.js';
import { CategoricalParzen, NumericParzen } from './parzen.js';

export interface TpeSamplerOptions extends SamplerOptions {
  /** Completed trials sampled at random before TPE starts; default 10. */
  nStartupTrials?: number;
  /** Candidates drawn from l(x) per parameter; default 24. */
  nEiCandidates?: number;
  /** Size of the "good" group for n completed trials; default min(⌈0.1·n⌉, 25). */
  gamma?: (n: number) => number;
  /** Weight of the prior component in every estimator; default 1. */
  priorWeight?: number;
  /** Treat running trials as bad (parallel asks); default true. */
  constantLiar?: boolean;
}

export function defaultGamma(n: number): number {
  return Math.min(Math.ceil(0.1 * n), 25);
}

interface Groups {
  below: TrialRecord[];
  above: TrialRecord[];
}

/** Splits history into the good group and the rest, both in trial-number order (for the weights). */
function split(history: readonly TrialRecord[], nBelow: number, constantLiar: boolean): Groups {
  const completed = history.filter((t) => t.state === 'completed');
  const ranked = [...completed].sort((a, b) => a.loss! - b.loss! || a.number - b.number);
  const good = new Set(ranked.slice(0, nBelow));
  const byNumber = (a: TrialRecord, b: TrialRecord) => a.number - b.number;
  const below = completed.filter((t) => good.has(t)).sort(byNumber);
  const above = history
    .filter((t) => (t.state === 'completed' && !good.has(t)) || (constantLiar && t.state === 'running'))
    .sort(byNumber);
  return { below, above };
}

/**
 * Trials whose value for the parameter the current distribution allows. A space edited mid-study
 * (a parameter added, retyped or narrowed) leaves older trials without a usable value; like Optuna,
 * TPE then models the parameter from the trials that have one.
 */
function observed(trials: readonly TrialRecord[], name: string, d: Distribution): TrialRecord[] {
  return trials.filter((t) => {
    const v = t.params[name];
    return v !== undefined && contains(d, v);
  });
}

export class TpeSampler implements Sampler {
  readonly name = 'tpe';
  private seed: bigint;
  private readonly nStartupTrials: number;
  private readonly nEiCandidates: number;
  private readonly gamma: (n: number) => number;
  private readonly priorWeight: number;
  private readonly constantLiar: boolean;

  constructor(options: TpeSamplerOptions = {}) {
    this.seed = BigInt(options.seed ?? 0);
    this.nStartupTrials = options.nStartupTrials ?? 10;
    this.nEiCandidates = options.nEiCandidates ?? 24;
    this.gamma = options.gamma ?? defaultGamma;
    this.priorWeight = options.priorWeight ?? 1;
    this.constantLiar = options.constantLiar ?? true;
    const checks: [boolean, string][] = [
      [
        Number.isInteger(this.nStartupTrials) && this.nStartupTrials >= 0,
        `nStartupTrials must be an integer ≥ 0, got ${this.nStartupTrials}`,
      ],
      [
        Number.isInteger(this.nEiCandidates) && this.nEiCandidates >= 1,
        `nEiCandidates must be an integer ≥ 1, got ${this.nEiCandidates}`,
      ],
      [Number.isFinite(this.priorWeight) && this.priorWeight > 0, `priorWeight must be > 0, got ${this.priorWeight}`],
    ];
    for (const [ok, message] of checks) {
      if (!ok)
        throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `TPE: ${message}`, {
          hint: "omit the option to use Optuna's default",
        });
    }
  }

  reseed(seed: bigint | number): void {
    this.seed = BigInt(seed);
  }

  sample(space: SearchSpace, context: SampleContext): ParamSet {
    const rng = new Rng(mixSeed(this.seed, context.number));
    const nCompleted = context.history.reduce((n, t) => n + (t.state === 'completed' ? 1 : 0), 0);
    if (nCompleted < this.nStartupTrials) return sampleUniform(space, rng);
    const nBelow = Math.min(Math.max(this.gamma(nCompleted), 1), nCompleted);
    const { below, above } = split(context.history, nBelow, this.constantLiar);
    const out: Record<string, ParamValue> = {};
    for (const name of space.names) {
      const d = space.params[name]!;
      if (d.type === 'fixed') {
        out[name] = d.value;
      } else if (d.type === 'categorical') {
        const index = (t: TrialRecord) => choiceIndex(d.choices, t.params[name]!);
        const l = new CategoricalParzen(observed(below, name, d).map(index), d.choices.length, this.priorWeight);
        const g = new CategoricalParzen(observed(above, name, d).map(index), d.choices.length, this.priorWeight);
        let best = -1;
        let bestScore = Number.NEGATIVE_INFINITY;
        for (let k = 0; k < this.nEiCandidates; k++) {
          const c = l.sample(rng);
          const score = l.logProbs[c]! - g.logProbs[c]!;
          if (best < 0 || score > bestScore) {
            best = c;
            bestScore = score;
          }
        }
        out[name] = d.choices[best]!;
      } else {
        out[name] = this.sampleNumeric(d, name, below, above, rng);
      }
    }
    return paramSet(out);
  }

  private sampleNumeric(
    d: NumericDistribution,
    name: string,
    below: readonly TrialRecord[],
    above: readonly TrialRecord[],
    rng: Rng,
  ): ParamValue {
    // A zero-width float range has one value and no density to model.
    if (d.low === d.high) return numericValue(d, d.low);
    const scale = internalScale(d);
    const coord = (t: TrialRecord) => toInternal(d, t.params[name]!.value as number);
    const l = new NumericParzen(observed(below, name, d).map(coord), scale, this.priorWeight);
    const g = new NumericParzen(observed(above, name, d).map(coord), scale, this.priorWeight);
    const discrete = scale.step > 0 || scale.logInt;
    // Discrete candidates often repeat a value; its bin score is the same, so compute it once.
    const binScores = new Map<number, number>();
    let best = Number.NaN;
    let bestScore = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < this.nEiCandidates; k++) {
      const drawn = l.sample(rng);
      let value = drawn;
      let score: number;
      if (discrete) {
        // Score the allowed value the draw rounds to, by the probability of its whole bin.
        value = fromInternal(d, drawn);
        const cached = binScores.get(value);
        if (cached === undefined) {
          const y = toInternal(d, value);
          const bin: [number, number] = scale.logInt
            ? [Math.log(value - 0.5), Math.log(value + 0.5)]
            : [Math.max(y - scale.step / 2, scale.low), Math.min(y + scale.step / 2, scale.high)];
          score = l.logPdf(y, bin) - g.logPdf(y, bin);
          binScores.set(value, score);
        } else {
          score = cached;
        }
      } else {
        score = l.logPdf(drawn) - g.logPdf(drawn);
      }
      if (Number.isNaN(best) || score > bestScore) {
        best = value;
        bestScore = score;
      }
    }
    return numericValue(d, discrete ? best : fromInternal(d, best));
  }
}
