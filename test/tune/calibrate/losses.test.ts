import { describe, expect, it } from 'vitest';
import {
  annealedMse,
  betaBinomialLogLikelihood,
  binomialLogLikelihood,
  type CalibrationTarget,
  logMeanExp,
  meanSignalMse,
  replicateLogLikelihoods,
  scoreTargets,
  targetLoss,
} from '../../../src/tune/index.js';
import { logBeta, logChoose, logGamma } from '../../../src/tune/math/gamma.js';

// Golden values of facts §5.
const observed = [1, 2, 3];
const replicates = [
  [1.1, 2.1, 2.9],
  [0.9, 1.9, 3.1],
  [1.2, 2.2, 2.8],
];
const counts = {
  observed: [5, 8, 3],
  trials: [10, 10, 10],
  replicates: [
    [4, 7, 2],
    [5, 8, 3],
    [6, 9, 4],
  ],
};

function pointTarget(name: string, loss: CalibrationTarget['loss'], weight: number): CalibrationTarget {
  return {
    kind: 'points',
    name,
    table: 't',
    key: 'time',
    value: 'v',
    join: 'exact',
    loss,
    weight,
    observed: { keys: [1, 2, 3], values: observed },
  };
}

describe('calibration losses (golden values)', () => {
  it('annealed MSE is the mean of the replicates’ MSEs: 0.02', () => {
    expect(annealedMse(observed, replicates)).toBeCloseTo(0.02, 12);
  });

  it('mean-signal MSE is the MSE of the replicate mean: 0.0044444, and 0.0088889 with weight 2', () => {
    expect(meanSignalMse(observed, replicates)).toBeCloseTo(0.0044444, 7);
    const weighted = scoreTargets(
      [pointTarget('m', 'mean_signal_mse', 2)],
      replicates.map((r) => [r]),
    );
    expect(weighted.loss).toBeCloseTo(0.0088889, 7);
  });

  it('sums two targets: annealed + 2 × mean-signal = 0.0288889, with each target’s loss in the diagnostics', () => {
    const targets = [pointTarget('a', 'annealed_mse', 1), pointTarget('m', 'mean_signal_mse', 2)];
    const result = scoreTargets(
      targets,
      replicates.map((r) => [r, r]),
    );
    expect(result.loss).toBeCloseTo(0.0288889, 7);
    const perTarget = result.diagnostics.targets as Record<string, { loss: number }>;
    expect(perTarget.a!.loss).toBeCloseTo(0.02, 12);
    expect(perTarget.m!.loss).toBeCloseTo(0.0044444, 7);
  });

  it('beta-binomial with prior (1, 1): per-replicate log-likelihoods and their log-mean-exp', () => {
    const ll = replicateLogLikelihoods('beta_binomial', counts.observed, counts.replicates, { trials: counts.trials });
    expect(ll[0]).toBeCloseTo(-5.20422, 5);
    expect(ll[1]).toBeCloseTo(-4.87035, 5);
    expect(ll[2]).toBeCloseTo(-5.14805, 5);
    expect(logMeanExp(ll)).toBeCloseTo(-5.063263, 6);
    // The loss minimised is the negative log-mean-exp.
    expect(targetLoss('beta_binomial', counts.observed, counts.replicates, { trials: counts.trials })).toBeCloseTo(
      5.063263,
      6,
    );
  });

  it('binomial log-likelihood reads the simulated count as the success share', () => {
    const direct = counts.observed.reduce((s, k, i) => {
      const p = counts.replicates[0]![i]! / 10;
      return s + logChoose(10, k) + k * Math.log(p) + (10 - k) * Math.log(1 - p);
    }, 0);
    expect(binomialLogLikelihood(counts.observed, counts.replicates[0]!, counts.trials)).toBeCloseTo(direct, 12);
    // A simulated 0 or n is kept off log 0: finite, and worse than a near miss.
    const edge = binomialLogLikelihood([1], [0], [10]);
    expect(Number.isFinite(edge)).toBe(true);
    expect(edge).toBeLessThan(binomialLogLikelihood([1], [1], [10]));
  });

  it('log-mean-exp is stable far from zero', () => {
    expect(logMeanExp([-1000, -1000])).toBeCloseTo(-1000, 12);
    expect(logMeanExp([1000, 1000 + Math.log(3)])).toBeCloseTo(1000 + Math.log(2), 12);
  });

  it('log-gamma matches factorials and the reflection formula', () => {
    for (let n = 1; n <= 30; n++) {
      let factorial = 0;
      for (let k = 2; k < n; k++) factorial += Math.log(k);
      expect(logGamma(n)).toBeCloseTo(factorial, 10);
    }
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
    expect(logBeta(2, 3)).toBeCloseTo(Math.log(1 / 12), 12);
    expect(betaBinomialLogLikelihood([0], [0], [0])).toBeCloseTo(0, 12);
  });

  it('refuses mismatched shapes and impossible counts with clear errors', () => {
    expect(() => annealedMse([1, 2], [[1]])).toThrow(/replicate 0 has 1 values for 2 observations/);
    expect(() => meanSignalMse([1], [])).toThrow(/no replicates/);
    expect(() => binomialLogLikelihood([11], [5], [10])).toThrow(/11 successes out of 10 trials/);
    expect(() => replicateLogLikelihoods('binomial', [1], [[1]], {})).toThrow(/needs the number of trials/);
  });
});
