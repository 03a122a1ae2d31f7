/**
 * Identifiers: parameter-set ids (modelops-contracts v1), 64-bit seeds and trial ids.
 */
import { blake2b, blake2bHex } from './blake2b.js';
import { canonicalJson } from './canonical.js';
import { ContractViolationError, isWellFormedText } from './errors.js';
import type { ParamSet } from './values.js';

export const PARAM_ID_PREFIX = 'contracts:param:v1|';
export const SEED_PREFIX = 'fleetcast:seed:v1|';
export const TRIAL_ID_PREFIX = 'fleetcast:trial:v1|';

/** BLAKE2b-256 of `contracts:param:v1|` + canonical JSON: 64 lower-case hex characters. */
export function paramId(params: ParamSet): string {
  return blake2bHex(PARAM_ID_PREFIX + canonicalJson(params), 32);
}

const HEX64 = /^[0-9a-f]{64}$/;

export function isParamId(value: string): boolean {
  return HEX64.test(value);
}

export interface SeedInput {
  /** What the seed is for, e.g. the study name or "calibration". */
  namespace: string;
  /** The run (study or job run id) within the namespace. */
  run: string;
  /** The parameter-set id the seed feeds. */
  paramId: string;
  /** Replicate index, 0-based. */
  replicate: number;
}

/**
 * A 64-bit seed from (namespace, run, param_id, replicate): the first 8 bytes, big-endian, of
 * BLAKE2b-256 over `fleetcast:seed:v1|` + the JSON array `[namespace, run, param_id, replicate]`.
 * facts §5 fixes only that seeds are 64-bit and derived by hashing these four; the exact scheme is
 * ours. A JSON array (not a `|`-joined string) keeps the fields unambiguous whatever they contain;
 * Python reproduces it with `json.dumps([ns, run, pid, rep], separators=(',', ':'), ensure_ascii=False)`.
 */
export function deriveSeed(input: SeedInput): bigint {
  const { namespace, run, paramId: pid, replicate } = input;
  if (!Number.isSafeInteger(replicate) || replicate < 0) {
    throw new ContractViolationError(`replicate must be a non-negative integer, got ${replicate}`);
  }
  for (const [field, value] of [
    ['namespace', namespace],
    ['run', run],
    ['paramId', pid],
  ] as const) {
    if (!isWellFormedText(value)) throw new ContractViolationError(`${field} contains a lone UTF-16 surrogate`);
  }
  const text = SEED_PREFIX + JSON.stringify([namespace, run, pid, replicate]);
  const digest = blake2b(new TextEncoder().encode(text), 32);
  let seed = 0n;
  for (let k = 0; k < 8; k++) seed = (seed << 8n) | BigInt(digest[k]!);
  return seed;
}

/** Seeds for replicates 0..n-1 of one parameter set. */
export function replicateSeeds(base: Omit<SeedInput, 'replicate'>, n: number): bigint[] {
  return Array.from({ length: n }, (_, replicate) => deriveSeed({ ...base, replicate }));
}

export interface TrialIdInput {
  study: string;
  /** The trial number in the study (0-based, in ask order). */
  number: number;
  /** Attempt of that trial: a re-queued trial gets a new attempt and so a new id. */
  attempt: number;
}

/**
 * A trial id: unique per (study, trial number, attempt), deterministic so a replayed study gets
 * the same ids, 32 hex characters (BLAKE2b-128) prefixed with `t_`.
 */
export function trialId(input: TrialIdInput): string {
  const { study, number, attempt } = input;
  for (const [field, value] of [
    ['number', number],
    ['attempt', attempt],
  ] as const) {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new ContractViolationError(`trial ${field} must be a non-negative integer, got ${value}`);
    }
  }
  if (!isWellFormedText(study)) throw new ContractViolationError('study contains a lone UTF-16 surrogate');
  return `t_${blake2bHex(TRIAL_ID_PREFIX + JSON.stringify([study, number, attempt]), 16)}`;
}
