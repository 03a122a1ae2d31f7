/**
 * Transforms for calibration: map a bounded parameter onto the whole real line and back, so an
 * optimiser or a Gaussian proposal can move freely while the simulation only ever sees valid values.
 */
import { FleetcastError } from '../../core/errors.js';

export interface Transform {
  readonly name: 'identity' | 'log' | 'logit';
  /** Constrained value → unconstrained real. */
  forward(x: number): number;
  /** Unconstrained real → constrained value. */
  inverse(y: number): number;
}

export const identityTransform: Transform = Object.freeze({
  name: 'identity',
  forward: (x: number) => x,
  inverse: (y: number) => y,
});

/** For positive parameters (rates, scales): y = ln x. */
export const logTransform: Transform = Object.freeze({
  name: 'log',
  forward: (x: number) => {
    if (!(x > 0)) throw outOfDomain('log', x, '(0, ∞)');
    return Math.log(x);
  },
  inverse: (y: number) => Math.exp(y),
});

/**
 * For parameters bounded on (low, high), probabilities by default: y = logit((x − low) / (high − low)).
 * The inverse uses the numerically stable logistic form so large |y| saturates instead of giving NaN.
 */
export function logitTransform(low = 0, high = 1): Transform {
  if (!(Number.isFinite(low) && Number.isFinite(high) && low < high)) {
    throw new FleetcastError(
      'FLEETCAST_INVALID_ARGUMENT',
      `logit bounds must be finite with low < high, got (${low}, ${high})`,
      {
        hint: 'give the open interval the parameter lives in',
      },
    );
  }
  const width = high - low;
  return Object.freeze({
    name: 'logit',
    forward: (x: number) => {
      if (!(x > low && x < high)) throw outOfDomain('logit', x, `(${low}, ${high})`);
      const p = (x - low) / width;
      return Math.log(p) - Math.log1p(-p);
    },
    inverse: (y: number) => {
      const p = y >= 0 ? 1 / (1 + Math.exp(-y)) : Math.exp(y) / (1 + Math.exp(y));
      return low + width * p;
    },
  });
}

function outOfDomain(name: string, x: number, domain: string): FleetcastError {
  return new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `${name} transform is defined on ${domain}, got ${x}`, {
    hint: `choose a transform whose domain contains the parameter's range, or fix the value`,
  });
}

export function transformFor(name: 'identity' | 'log' | 'logit', bounds?: { low: number; high: number }): Transform {
  if (name === 'log') return logTransform;
  if (name === 'logit') return logitTransform(bounds?.low ?? 0, bounds?.high ?? 1);
  return identityTransform;
}
