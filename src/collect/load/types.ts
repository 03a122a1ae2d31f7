/**
 * Load controllers: what sets the load of one level. `local` drives HTTP load itself; `kubernetes`
 * patches a load-generator Deployment (and scales services) in a cluster. The runner knows only
 * this interface.
 */

export interface LoadLevel {
  users: number;
  /** Replicas per service Deployment, when the level sets them. */
  replicas?: Record<string, number>;
}

/** Requests the controller itself made and saw fail since the last reset (local controller only). */
export interface ClientStats {
  requests: number;
  errors: number;
  /** Mean response time seen by the client, seconds (NaN without requests). */
  meanResponseTime: number;
  lastError?: string;
}

export interface LoadController {
  readonly kind: 'local' | 'kubernetes';
  /** Checks the targets and remembers the state to restore; nothing is changed yet. */
  prepare(signal?: AbortSignal): Promise<void>;
  /** Sets the level's load and waits until it is in effect (a rollout, say), at most `timeoutMs`. */
  apply(level: LoadLevel, timeoutMs: number, signal?: AbortSignal): Promise<void>;
  /** Puts back what `prepare` saw. Safe to call more than once, and after a failed `apply`. */
  restore(): Promise<void>;
  /** Client-side counts since the last call (local controller), for the run's report. */
  takeStats?(): ClientStats;
}
