/**
 * The sampler interface, shaped like Optuna's ask/tell samplers: given the search space and the
 * study's history, propose a whole parameter set for the next trial.
 *
 * Samplers draw their randomness from (seed, trial number), not from a stream that advances with
 * each call. So a study replays exactly, a restarted coordinator asks the same parameters for the
 * same trial number, and parallel asks do not depend on the order workers happened to ask in.
 */
import type { ParamSet, TrialStatus } from '../../contracts/index.js';
import type { SearchSpace } from '../space/index.js';

/** `running` means asked and not yet told. */
export type TrialState = 'running' | TrialStatus;

/** What a sampler sees of one trial. */
export interface TrialRecord {
  /** 0-based ask order within the study. */
  readonly number: number;
  readonly trialId: string;
  readonly paramId: string;
  readonly params: ParamSet;
  readonly state: TrialState;
  /** Present (and finite) when state is `completed`. */
  readonly loss?: number;
}

export interface SampleContext {
  /** Number of the trial being asked for. */
  readonly number: number;
  /** Every trial asked before this one, including running ones (TPE's constant liar uses them). */
  readonly history: readonly TrialRecord[];
}

export interface Sampler {
  readonly name: string;
  /** Proposes the parameter set for trial `context.number`. */
  sample(space: SearchSpace, context: SampleContext): ParamSet;
  /** Replaces the seed: later samples follow the new seed. */
  reseed(seed: bigint | number): void;
}

export interface SamplerOptions {
  /** 64-bit seed (e.g. from contracts' deriveSeed); default 0. */
  seed?: bigint | number;
}
