/**
 * Contracts: plain types and pure functions shared by tune, calibrate and the workers. No
 * dependencies beyond Node built-ins, so any layer (and any worker process) can import them.
 */
export { blake2b, blake2bHex } from './blake2b.js';
export { canonicalJson, compareCodePoints, pythonFloatRepr } from './canonical.js';
export { ContractViolationError } from './errors.js';
export {
  deriveSeed,
  isParamId,
  PARAM_ID_PREFIX,
  paramId,
  replicateSeeds,
  SEED_PREFIX,
  type SeedInput,
  TRIAL_ID_PREFIX,
  type TrialIdInput,
  trialId,
} from './ids.js';
export {
  type JsonValue,
  MAX_DIAGNOSTICS_CHARS,
  sameTrialResult,
  TRIAL_STATUSES,
  type TrialResult,
  type TrialStatus,
  trialResult,
} from './trial.js';
export {
  fromPlain,
  Param,
  type ParamSet,
  type ParamType,
  type ParamValue,
  type PlainParams,
  paramSet,
  toPlain,
  typedValue,
} from './values.js';
