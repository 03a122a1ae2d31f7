/**
 * Calibration losses: how far a simulation's replicates are from the observed values of one target.
 * Every function takes the observed values and the replicates' simulated values aligned to them
 * (replicate r, observation i: `replicates[r][i]`), and returns a loss to minimise.
 *
 * - "annealed" MSE: the mean over replicates of each replicate's MSE. It keeps the replicates' own
 *   noise in the loss, so it never rewards a parameter set for noise that averages out.
 * - "mean-signal" MSE: the MSE of the replicates' mean: the noise averages out first.
 * - binomial and beta-binomial log-likelihoods: per replicate, the log-likelihood of the observed
 *   counts given the simulated ones, summed over observations; the replicates are then combined by
 *   log-mean-exp (the log of the Monte-Carlo average likelihood), and the loss is its negative.
 *
 * The golden values of facts §5 pin these definitions down (test/tune/calibrate/losses.test.ts).
 */
import { FleetcastError } from '../../core/errors.js';
import { logBeta, logChoose } from '../math/gamma.js';
import { logSumExp } from '../math/normal.js';

export const LOSS_NAMES = ['annealed_mse', 'mean_signal_mse', 'binomial', 'beta_binomial'] as const;
export type LossName = (typeof LOSS_NAMES)[number];

/** Losses that read counts out of a number of trials (`n`) per observation. */
export const LIKELIHOOD_LOSSES: readonly LossName[] = ['binomial', 'beta_binomial'];

/** Probabilities are kept this far from 0 and 1, so a simulated 0 or n never gives log 0. */
const PROBABILITY_FLOOR = 1e-12;

export interface BetaPrior {
  alpha: number;
  beta: number;
}

function checkShapes(observed: readonly number[], replicates: readonly (readonly number[])[]): void {
  if (replicates.length === 0) throw lossError('no replicates to compare with the observed values');
  for (const [r, values] of replicates.entries()) {
    if (values.length !== observed.length) {
      throw lossError(`replicate ${r} has ${values.length} values for ${observed.length} observations`);
    }
  }
}

function lossError(message: string): FleetcastError {
  return new FleetcastError('FLEETCAST_INVALID_ARGUMENT', message, {
    hint: 'align every replicate to the observed table before computing a loss',
  });
}

function mse(observed: readonly number[], simulated: readonly number[]): number {
  if (observed.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < observed.length; i++) sum += (simulated[i]! - observed[i]!) ** 2;
  return sum / observed.length;
}

/** Mean over replicates of each replicate's mean squared error. */
export function annealedMse(observed: readonly number[], replicates: readonly (readonly number[])[]): number {
  checkShapes(observed, replicates);
  return replicates.reduce((s, values) => s + mse(observed, values), 0) / replicates.length;
}

/** Mean squared error of the replicates' pointwise mean. */
export function meanSignalMse(observed: readonly number[], replicates: readonly (readonly number[])[]): number {
  checkShapes(observed, replicates);
  const mean = observed.map((_, i) => replicates.reduce((s, values) => s + values[i]!, 0) / replicates.length);
  return mse(observed, mean);
}

/** log(mean(exp(x))), stable: the log of a Monte-Carlo average of likelihoods. */
export function logMeanExp(values: readonly number[]): number {
  if (values.length === 0) throw lossError('log-mean-exp of no values');
  return logSumExp(values) - Math.log(values.length);
}

function checkCounts(observed: readonly number[], simulated: readonly number[], trials: readonly number[]): void {
  if (simulated.length !== observed.length || trials.length !== observed.length) {
    throw lossError(
      `${observed.length} observations, ${simulated.length} simulated values and ${trials.length} trial counts`,
    );
  }
  for (let i = 0; i < observed.length; i++) {
    const n = trials[i]!;
    if (!(n >= 0) || !(observed[i]! >= 0 && observed[i]! <= n)) {
      throw new FleetcastError(
        'FLEETCAST_INVALID_ARGUMENT',
        `observation ${i}: ${observed[i]} successes out of ${n} trials is not a count in 0..n`,
        { hint: 'likelihood losses need observed counts between 0 and the number of trials' },
      );
    }
  }
}

/**
 * Σᵢ log Binomial(x_obsᵢ | nᵢ, pᵢ) with pᵢ = x_simᵢ / nᵢ (clamped into (0, 1)): the simulated count
 * read as the expected share of successes.
 */
export function binomialLogLikelihood(
  observed: readonly number[],
  simulated: readonly number[],
  trials: readonly number[],
): number {
  checkCounts(observed, simulated, trials);
  let sum = 0;
  for (let i = 0; i < observed.length; i++) {
    const n = trials[i]!;
    const k = observed[i]!;
    const share = n > 0 ? simulated[i]! / n : 0;
    const p = Math.min(1 - PROBABILITY_FLOOR, Math.max(PROBABILITY_FLOOR, share));
    sum += logChoose(n, k) + k * Math.log(p) + (n - k) * Math.log1p(-p);
  }
  return sum;
}

/**
 * Σᵢ log BetaBinomial(x_obsᵢ | nᵢ, α = α₀ + x_simᵢ, β = β₀ + nᵢ − x_simᵢ): the simulated count
 * updates a Beta(α₀, β₀) prior (default (1, 1)) on the success probability, so a replicate's own
 * sampling noise widens the likelihood instead of being taken as exact.
 */
export function betaBinomialLogLikelihood(
  observed: readonly number[],
  simulated: readonly number[],
  trials: readonly number[],
  prior: BetaPrior = { alpha: 1, beta: 1 },
): number {
  checkCounts(observed, simulated, trials);
  let sum = 0;
  for (let i = 0; i < observed.length; i++) {
    const n = trials[i]!;
    const k = observed[i]!;
    const x = Math.min(n, Math.max(0, simulated[i]!));
    const alpha = prior.alpha + x;
    const beta = prior.beta + n - x;
    sum += logChoose(n, k) + logBeta(k + alpha, n - k + beta) - logBeta(alpha, beta);
  }
  return sum;
}

export interface TargetLossOptions {
  /** Trials per observation, for the likelihood losses. */
  trials?: readonly number[];
  prior?: BetaPrior;
}

/** Per-replicate log-likelihoods of one likelihood target (for diagnostics and the golden tests). */
export function replicateLogLikelihoods(
  loss: 'binomial' | 'beta_binomial',
  observed: readonly number[],
  replicates: readonly (readonly number[])[],
  options: TargetLossOptions,
): number[] {
  checkShapes(observed, replicates);
  const trials = options.trials;
  if (trials === undefined) throw lossError(`the ${loss} loss needs the number of trials of each observation`);
  return replicates.map((values) =>
    loss === 'binomial'
      ? binomialLogLikelihood(observed, values, trials)
      : betaBinomialLogLikelihood(observed, values, trials, options.prior),
  );
}

/** The loss of one target (unweighted): an MSE, or the negative log-mean-exp likelihood. */
export function targetLoss(
  loss: LossName,
  observed: readonly number[],
  replicates: readonly (readonly number[])[],
  options: TargetLossOptions = {},
): number {
  switch (loss) {
    case 'annealed_mse':
      return annealedMse(observed, replicates);
    case 'mean_signal_mse':
      return meanSignalMse(observed, replicates);
    case 'binomial':
    case 'beta_binomial':
      return -logMeanExp(replicateLogLikelihoods(loss, observed, replicates, options));
  }
}
