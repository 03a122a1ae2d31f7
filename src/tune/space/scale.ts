/**
 * Where samplers meet distributions. Two views of a parameter:
 *  - the *internal* scale: the real line a density model works on (log of the value for log
 *    scales; ints and stepped floats occupy bins of one step around each allowed value);
 *  - the *unit* scale: [0, 1), which random, Sobol and CMA-ES draw in.
 * Both map back to an allowed, typed value, so samplers never produce an out-of-space value.
 */
import { Param, type ParamSet, type ParamValue, paramSet } from '../../contracts/index.js';
import { logitTransform, type Transform } from './transforms.js';
import type { Distribution, NumericDistribution, SearchSpace } from './types.js';

export interface InternalScale {
  /** Bounds of the internal scale (bins included). */
  readonly low: number;
  readonly high: number;
  /** Width of one value's bin on the internal scale for a linear discrete scale; 0 if continuous. */
  readonly step: number;
  /** Log-scaled int: bins are [ln(v − ½), ln(v + ½)], so their width varies. */
  readonly logInt: boolean;
}

/** The logit transform of a float with a logit domain, else undefined. */
function logitOf(d: NumericDistribution): Transform | undefined {
  return d.type === 'float' && d.logit !== undefined ? logitTransform(d.logit[0], d.logit[1]) : undefined;
}

export function internalScale(d: NumericDistribution): InternalScale {
  const logit = logitOf(d);
  if (logit !== undefined) return { low: logit.forward(d.low), high: logit.forward(d.high), step: 0, logInt: false };
  if (d.type === 'int') {
    if (d.log) return { low: Math.log(d.low - 0.5), high: Math.log(d.high + 0.5), step: 0, logInt: true };
    return { low: d.low - d.step / 2, high: d.high + d.step / 2, step: d.step, logInt: false };
  }
  if (d.log) return { low: Math.log(d.low), high: Math.log(d.high), step: 0, logInt: false };
  if (d.step !== undefined) return { low: d.low - d.step / 2, high: d.high + d.step / 2, step: d.step, logInt: false };
  return { low: d.low, high: d.high, step: 0, logInt: false };
}

/** The internal-scale coordinate of an allowed value. */
export function toInternal(d: NumericDistribution, value: number): number {
  const logit = logitOf(d);
  if (logit !== undefined) return logit.forward(value);
  return d.log ? Math.log(value) : value;
}

function clamp(x: number, low: number, high: number): number {
  return Math.min(Math.max(x, low), high);
}

/** The allowed number nearest to an internal-scale coordinate (rounded to the grid, clamped). */
export function fromInternal(d: NumericDistribution, y: number): number {
  const logit = logitOf(d);
  const x = logit !== undefined ? logit.inverse(y) : d.log ? Math.exp(y) : y;
  if (d.type === 'int') return clamp(d.low + Math.round((x - d.low) / d.step) * d.step, d.low, d.high);
  if (d.step !== undefined) {
    // Multiply the integer index back rather than accumulating, so values are reproducible.
    return clamp(d.low + Math.round((x - d.low) / d.step) * d.step, d.low, d.high);
  }
  return clamp(x, d.low, d.high);
}

export function numericValue(d: NumericDistribution, x: number): ParamValue {
  return d.type === 'int' ? Param.int(x) : Param.float(x);
}

/** Maps u ∈ [0, 1) to an allowed typed value (uniform on the internal scale). */
export function fromUnit(d: Distribution, u: number): ParamValue {
  switch (d.type) {
    case 'fixed':
      return d.value;
    case 'categorical':
      return d.choices[Math.min(Math.floor(u * d.choices.length), d.choices.length - 1)]!;
    default: {
      const s = internalScale(d);
      return numericValue(d, fromInternal(d, s.low + clamp(u, 0, 1) * (s.high - s.low)));
    }
  }
}

/** Maps an allowed value to the unit scale (a categorical's choice to the centre of its cell). */
export function toUnit(d: Distribution, value: ParamValue): number {
  switch (d.type) {
    case 'fixed':
      return 0.5;
    case 'categorical':
      return (choiceIndex(d.choices, value) + 0.5) / d.choices.length;
    default: {
      const s = internalScale(d);
      if (s.high === s.low) return 0.5;
      return (toInternal(d, value.value as number) - s.low) / (s.high - s.low);
    }
  }
}

export function choiceIndex(choices: readonly ParamValue[], value: ParamValue): number {
  const i = choices.findIndex((c) => c.type === value.type && Object.is(c.value, value.value));
  if (i < 0) throw new RangeError(`value ${JSON.stringify(value.value)} is not one of the choices`);
  return i;
}

/** True when `value` is allowed by `d` (type, bounds, step, choices). */
export function contains(d: Distribution, value: ParamValue): boolean {
  switch (d.type) {
    case 'fixed':
      return d.value.type === value.type && Object.is(d.value.value, value.value);
    case 'categorical':
      return d.choices.some((c) => c.type === value.type && Object.is(c.value, value.value));
    case 'int': {
      if (value.type !== 'int') return false;
      return value.value >= d.low && value.value <= d.high && (value.value - d.low) % d.step === 0;
    }
    case 'float': {
      if (value.type !== 'float' || value.value < d.low || value.value > d.high) return false;
      if (d.step === undefined) return true;
      const k = (value.value - d.low) / d.step;
      return Math.abs(k - Math.round(k)) < 1e-9;
    }
  }
}

/** A whole parameter set from one unit-cube point (one coordinate per sampled name, in order). */
export function paramsFromUnit(space: SearchSpace, names: readonly string[], u: ArrayLike<number>): ParamSet {
  const out: Record<string, ParamValue> = {};
  for (const name of space.names) {
    const d = space.params[name]!;
    if (d.type === 'fixed') out[name] = d.value;
  }
  names.forEach((name, i) => {
    out[name] = fromUnit(space.params[name]!, u[i]!);
  });
  return paramSet(out);
}
