/**
 * Search-space types. A distribution says which values a parameter may take and on what scale a
 * sampler should treat it; the space keeps parameters in sorted order so that every sampler sees
 * dimensions in the same order, whatever order the spec listed them in.
 */
import type { ParamValue } from '../../contracts/index.js';

export interface FloatDistribution {
  readonly type: 'float';
  readonly low: number;
  readonly high: number;
  /** Sample log-uniformly (and model in log space); needs low > 0. */
  readonly log: boolean;
  /** Optional grid spacing: values are low + k·step. Not combinable with log. */
  readonly step?: number;
  /**
   * Calibration transform: the open interval (a, b) the parameter lives in. Samplers then work on
   * y = logit((x − a)/(b − a)) between the bounds, so trials crowd towards a and b the way they do
   * for a probability near 0 or 1. Not combinable with log or step.
   */
  readonly logit?: readonly [number, number];
}

export interface IntDistribution {
  readonly type: 'int';
  readonly low: number;
  readonly high: number;
  readonly log: boolean;
  /** Spacing of allowed values (low + k·step); must be 1 when log is set. */
  readonly step: number;
}

export interface CategoricalDistribution {
  readonly type: 'categorical';
  readonly choices: readonly ParamValue[];
}

export interface FixedDistribution {
  readonly type: 'fixed';
  readonly value: ParamValue;
}

export type Distribution = FloatDistribution | IntDistribution | CategoricalDistribution | FixedDistribution;
export type NumericDistribution = FloatDistribution | IntDistribution;

export interface SearchSpace {
  /** Parameter names sorted by code point: the dimension order every sampler uses. */
  readonly names: readonly string[];
  readonly params: Readonly<Record<string, Distribution>>;
}
