/** Search spaces: distributions, validation, scales for samplers, calibration transforms. */
export { categoricalParam, fixedParam, floatParam, intParam, sampledNames, searchSpace } from './define.js';
export { parseSearchSpace, type SearchSpaceSpec } from './parse.js';
export {
  choiceIndex,
  contains,
  fromInternal,
  fromUnit,
  type InternalScale,
  internalScale,
  numericValue,
  paramsFromUnit,
  toInternal,
  toUnit,
} from './scale.js';
export {
  identityTransform,
  logitTransform,
  logTransform,
  type Transform,
  transformFor,
} from './transforms.js';
export type {
  CategoricalDistribution,
  Distribution,
  FixedDistribution,
  FloatDistribution,
  IntDistribution,
  NumericDistribution,
  SearchSpace,
} from './types.js';
