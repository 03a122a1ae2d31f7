/**
 * What crosses the work queue for one evaluation, and what a runner reports. An objective is a
 * named queue task (registered with `registerTask`) whose default export takes an
 * `ObjectivePayload` and returns a loss, or `{ loss, diagnostics }`.
 */
import type { JsonValue, PlainParams } from '../../contracts/index.js';
import type { TrialRecord } from '../samplers/index.js';

export interface ObjectivePayload {
  readonly study: string;
  readonly trialId: string;
  readonly number: number;
  readonly params: PlainParams;
  /** 64-bit seed of this replicate, as a decimal string (JSON numbers lose 64-bit precision). */
  readonly seed: string;
  readonly replicate: number;
  /** Fixed input every evaluation of the study receives (e.g. which example function to run). */
  readonly input?: JsonValue;
}

export type ObjectiveOutput = number | { loss: number; diagnostics?: { [key: string]: JsonValue } };

export interface RunProgress {
  /** Trials told (completed, failed or timed out), those of earlier runs included. */
  readonly told: number;
  readonly running: number;
  readonly completed: number;
  readonly failed: number;
  readonly timeout: number;
  readonly bestLoss?: number;
}

export interface RunOptions {
  /** The queue task that evaluates one replicate. */
  task: string;
  /** Trials the study should have told when the run ends (trials told before count). */
  trials: number;
  /** Fixed input passed to every evaluation. */
  input?: JsonValue;
  /** Trials evaluated at once (the back-pressure bound); default 2 × the queue's concurrency. */
  maxInFlight?: number;
  /** Evaluations per parameter set, each with its own seed; their mean loss is told. Default 1. */
  replicates?: number;
  /**
   * Wall-clock limit per trial (all replicates), from when its first replicate starts running; a
   * trial past it is cancelled and told `timeout`.
   */
  timeoutMs?: number;
  /** Tries per replicate task (retries of a thrown error); default the queue's. */
  attempts?: number;
  /** Namespace of the derived seeds; default `fleetcast.tune`. */
  seedNamespace?: string;
  /**
   * The `run` part of the derived seeds; default the study name. Give the same value (e.g. from the
   * sampler seed) to make two studies' replicates draw the same noise, so a run replays exactly.
   */
  seedRun?: string;
  /**
   * Turns the replicates' outputs into the told result, for tasks whose output is not a loss (a
   * calibration's simulated values); default: each output is a loss and their mean is told.
   */
  combine?: (outputs: readonly unknown[]) => ObjectiveOutput;
  onProgress?: (progress: RunProgress) => void;
  /** Stops asking and cancels what is in flight; untold trials are re-queued by a later run. */
  signal?: AbortSignal;
  /**
   * Stops asking but lets the trials in flight finish and be told, then ends the run: a clean stop
   * (`fleetcast tune stop`). The study can be resumed later.
   */
  stop?: AbortSignal;
}

export interface RunSummary extends RunProgress {
  readonly best?: TrialRecord;
  /** The run ended on `stop` before reaching its trial count. */
  readonly stopped: boolean;
  /** Trials this run told (not counting earlier runs). */
  readonly toldNow: number;
  readonly seconds: number;
  /** Trials told by this run per second of wall clock. */
  readonly trialsPerSecond: number;
}
