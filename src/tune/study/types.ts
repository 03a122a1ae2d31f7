/**
 * The study interface: ask for a trial, tell its result, read the best trial and the history.
 * Asynchronous and storage-agnostic so that an SQL-backed study can implement it unchanged; the
 * in-memory study is the reference implementation.
 */
import type { ParamSet, TrialResult } from '../../contracts/index.js';
import type { TrialRecord } from '../samplers/index.js';
import type { SearchSpace } from '../space/index.js';

export interface AskedTrial {
  readonly trialId: string;
  readonly number: number;
  readonly paramId: string;
  readonly params: ParamSet;
}

export interface Study {
  readonly name: string;
  readonly space: SearchSpace;
  /** Proposes the next parameter set; the trial is `running` until told. */
  ask(): Promise<AskedTrial>;
  /**
   * Records a result. Idempotent per trial id: telling the same result again is a no-op; telling a
   * different one for an already-told trial is an error.
   */
  tell(result: TrialResult): Promise<void>;
  /** Completed trial with the lowest loss (earliest on ties), if any. */
  best(): Promise<TrialRecord | undefined>;
  /** Every trial in ask order. */
  history(): Promise<readonly TrialRecord[]>;
}
