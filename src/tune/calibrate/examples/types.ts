/** A built-in calibration example: everything a run needs, with the parameters the data came from. */
import type { PlainParams } from '../../../contracts/index.js';
import type { SearchSpace } from '../../space/index.js';
import type { SamplerName, SamplerSettings } from '../../study/index.js';
import type { CalibrationTarget } from '../targets.js';

export interface CalibrationExample {
  name: string;
  module: string;
  space: SearchSpace;
  targets: CalibrationTarget[];
  /** The parameters the observed data was generated with. */
  truth: PlainParams;
  /** Defaults of `fleetcast calibrate --example NAME` (flags override). */
  sampler: { name: SamplerName; settings?: SamplerSettings };
  trials: number;
  replicates: number;
}
