/**
 * Building and validating search spaces. Every invalid declaration raises
 * FLEETCAST_INVALID_ARGUMENT naming the parameter and saying how to fix it.
 */
import { compareCodePoints, type ParamValue } from '../../contracts/index.js';
import { FleetcastError } from '../../core/errors.js';
import type {
  CategoricalDistribution,
  Distribution,
  FixedDistribution,
  FloatDistribution,
  IntDistribution,
  SearchSpace,
} from './types.js';

function invalid(param: string, message: string, hint: string): FleetcastError {
  return new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `parameter "${param}": ${message}`, {
    hint,
    details: { param },
  });
}

function checkBounds(name: string, low: number, high: number, log: boolean): void {
  if (!Number.isFinite(low) || !Number.isFinite(high)) {
    throw invalid(name, `bounds must be finite, got [${low}, ${high}]`, 'give finite numbers for low and high');
  }
  if (low > high) throw invalid(name, `low ${low} is above high ${high}`, 'swap low and high');
  if (log && low <= 0) {
    throw invalid(name, `a log scale needs low > 0, got ${low}`, 'raise low above 0 or drop log');
  }
}

/** Largest low + k·step not above high, with a tolerance for binary rounding of the step. */
function alignedHigh(low: number, high: number, step: number): number {
  const k = Math.floor((high - low) / step + 1e-9);
  return low + k * step;
}

export function floatParam(
  name: string,
  low: number,
  high: number,
  options: { log?: boolean; step?: number; logit?: readonly [number, number] } = {},
): FloatDistribution {
  const log = options.log ?? false;
  checkBounds(name, low, high, log);
  const { step, logit } = options;
  if (logit !== undefined) {
    const [a, b] = logit;
    if (log || step !== undefined) throw invalid(name, 'logit cannot be combined with log or step', 'keep one scale');
    if (!(Number.isFinite(a) && Number.isFinite(b) && a < low && high < b)) {
      throw invalid(
        name,
        `a logit scale needs bounds strictly inside its domain (${a}, ${b}), got [${low}, ${high}]`,
        'e.g. low: 0.01, high: 0.99 for a probability on (0, 1)',
      );
    }
    return Object.freeze({ type: 'float', low, high, log, logit: Object.freeze([a, b] as const) });
  }
  if (step !== undefined) {
    if (!(Number.isFinite(step) && step > 0))
      throw invalid(name, `step must be > 0, got ${step}`, 'use a positive step');
    if (log) throw invalid(name, 'step and log cannot be combined', 'drop step or drop log');
    const top = alignedHigh(low, high, step);
    if (Math.abs(top - high) > 1e-9 * Math.max(1, Math.abs(high))) {
      throw invalid(name, `high ${high} is not low + k·step`, `use high ${top} (or adjust step)`);
    }
    return Object.freeze({ type: 'float', low, high, log, step });
  }
  return Object.freeze({ type: 'float', low, high, log });
}

export function intParam(
  name: string,
  low: number,
  high: number,
  options: { log?: boolean; step?: number } = {},
): IntDistribution {
  const log = options.log ?? false;
  const step = options.step ?? 1;
  if (!Number.isSafeInteger(low) || !Number.isSafeInteger(high)) {
    throw invalid(
      name,
      `int bounds must be integers, got [${low}, ${high}]`,
      'use whole numbers, or a float parameter',
    );
  }
  checkBounds(name, low, high, log);
  if (!Number.isSafeInteger(step) || step < 1)
    throw invalid(name, `int step must be a positive integer, got ${step}`, 'use step 1, 2, …');
  if (log && step !== 1) throw invalid(name, 'a log-scaled int needs step 1', 'drop step or drop log');
  if ((high - low) % step !== 0) {
    throw invalid(name, `high ${high} is not low + k·step`, `use high ${low + Math.floor((high - low) / step) * step}`);
  }
  return Object.freeze({ type: 'int', low, high, log, step });
}

function sameValue(a: ParamValue, b: ParamValue): boolean {
  return a.type === b.type && Object.is(a.value, b.value);
}

export function categoricalParam(name: string, choices: readonly ParamValue[]): CategoricalDistribution {
  if (choices.length === 0) throw invalid(name, 'a categorical needs at least one choice', 'list the choices');
  choices.forEach((c, i) => {
    if (choices.findIndex((d) => sameValue(c, d)) !== i) {
      throw invalid(name, `choice ${JSON.stringify(c.value)} is listed twice`, 'list each choice once');
    }
  });
  return Object.freeze({ type: 'categorical', choices: Object.freeze([...choices]) });
}

export function fixedParam(value: ParamValue): FixedDistribution {
  return Object.freeze({ type: 'fixed', value });
}

/** A validated, frozen search space with names in canonical (code-point) order. */
export function searchSpace(params: Readonly<Record<string, Distribution>>): SearchSpace {
  const names = Object.keys(params).sort(compareCodePoints);
  if (names.length === 0) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', 'the search space has no parameters', {
      hint: 'declare at least one parameter',
    });
  }
  for (const name of names) {
    if (name.length === 0) throw invalid(name, 'the name is empty', 'give every parameter a name');
  }
  return Object.freeze({ names: Object.freeze(names), params: Object.freeze({ ...params }) });
}

/** Names of the parameters a sampler must choose (everything but fixed ones), in space order. */
export function sampledNames(space: SearchSpace): string[] {
  return space.names.filter((n) => space.params[n]!.type !== 'fixed');
}
